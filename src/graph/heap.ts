/**
 * Indexed binary min-heap over items 0..capacity-1 with decrease-key, on typed arrays: no allocation after
 * construction. `clear()` is O(size), so a query that reuses the heap pays only for what it touched.
 */
export class IndexedMinHeap {
  /** [slot] item stored in the heap slot. */
  private readonly items: Int32Array;
  /** [slot] key of the item in the slot (the sift loops compare keys without going through the item). */
  private readonly slotKeys: Float64Array;
  /** [item] heap slot of the item, or -1 when absent. */
  private readonly slotOf: Int32Array;
  /** [item] current key. */
  private readonly keys: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
    this.slotKeys = new Float64Array(capacity);
    this.slotOf = new Int32Array(capacity).fill(-1);
    this.keys = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  isEmpty(): boolean {
    return this.count === 0;
  }

  contains(item: number): boolean {
    return this.slotOf[item] >= 0;
  }

  keyOf(item: number): number {
    return this.keys[item];
  }

  peekKey(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.slotKeys[0];
  }

  /** Insert `item` with `key`, or lower its key if already present with a larger one. */
  pushOrDecrease(item: number, key: number): void {
    const slot = this.slotOf[item];
    if (slot < 0) {
      this.keys[item] = key;
      this.siftUp(this.count++, item, key);
    } else if (key < this.keys[item]) {
      this.keys[item] = key;
      this.siftUp(slot, item, key);
    }
  }

  /** Remove and return the item with the smallest key. Caller checks isEmpty() first. */
  pop(): number {
    const items = this.items;
    const top = items[0];
    this.slotOf[top] = -1;
    const n = --this.count;
    if (n > 0) this.siftDown(items[n], this.slotKeys[n], n);
    return top;
  }

  clear(): void {
    for (let s = 0; s < this.count; s++) this.slotOf[this.items[s]] = -1;
    this.count = 0;
  }

  /** Place `item` with `key` at `slot` or above it (the slot is free or holds the item). */
  private siftUp(slot: number, item: number, key: number): void {
    const items = this.items;
    const slotKeys = this.slotKeys;
    const slotOf = this.slotOf;
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      const pKey = slotKeys[parent];
      if (pKey <= key) break;
      const pItem = items[parent];
      items[slot] = pItem;
      slotKeys[slot] = pKey;
      slotOf[pItem] = slot;
      slot = parent;
    }
    items[slot] = item;
    slotKeys[slot] = key;
    slotOf[item] = slot;
  }

  /** Place `item` with `key` at the root or below it, in a heap of `n` slots. */
  private siftDown(item: number, key: number, n: number): void {
    const items = this.items;
    const slotKeys = this.slotKeys;
    const slotOf = this.slotOf;
    let slot = 0;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= n) break;
      let cKey = slotKeys[child];
      if (child + 1 < n) {
        const rKey = slotKeys[child + 1];
        if (rKey < cKey) {
          child++;
          cKey = rKey;
        }
      }
      if (cKey >= key) break;
      const cItem = items[child];
      items[slot] = cItem;
      slotKeys[slot] = cKey;
      slotOf[cItem] = slot;
      slot = child;
    }
    items[slot] = item;
    slotKeys[slot] = key;
    slotOf[item] = slot;
  }
}
