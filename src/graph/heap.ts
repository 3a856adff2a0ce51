/**
 * Indexed binary min-heap over items 0..capacity-1 with decrease-key, on typed arrays: no allocation after
 * construction. `clear()` is O(size), so a query that reuses the heap pays only for what it touched.
 */
export class IndexedMinHeap {
  /** [slot] item stored in the heap slot. */
  private readonly items: Int32Array;
  /** [item] heap slot of the item, or -1 when absent. */
  private readonly slotOf: Int32Array;
  /** [item] current key. */
  private readonly keys: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
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
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.keys[this.items[0]];
  }

  /** Insert `item` with `key`, or lower its key if already present with a larger one. */
  pushOrDecrease(item: number, key: number): void {
    const slot = this.slotOf[item];
    if (slot < 0) {
      this.keys[item] = key;
      const s = this.count++;
      this.items[s] = item;
      this.slotOf[item] = s;
      this.siftUp(s);
    } else if (key < this.keys[item]) {
      this.keys[item] = key;
      this.siftUp(slot);
    }
  }

  /** Remove and return the item with the smallest key. Caller checks isEmpty() first. */
  pop(): number {
    const items = this.items;
    const top = items[0];
    this.slotOf[top] = -1;
    const last = items[--this.count];
    if (this.count > 0) {
      items[0] = last;
      this.slotOf[last] = 0;
      this.siftDown(0);
    }
    return top;
  }

  clear(): void {
    for (let s = 0; s < this.count; s++) this.slotOf[this.items[s]] = -1;
    this.count = 0;
  }

  private siftUp(slot: number): void {
    const items = this.items;
    const keys = this.keys;
    const slotOf = this.slotOf;
    const item = items[slot];
    const key = keys[item];
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      const pItem = items[parent];
      if (keys[pItem] <= key) break;
      items[slot] = pItem;
      slotOf[pItem] = slot;
      slot = parent;
    }
    items[slot] = item;
    slotOf[item] = slot;
  }

  private siftDown(slot: number): void {
    const items = this.items;
    const keys = this.keys;
    const slotOf = this.slotOf;
    const n = this.count;
    const item = items[slot];
    const key = keys[item];
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= n) break;
      let cItem = items[child];
      if (child + 1 < n) {
        const rItem = items[child + 1];
        if (keys[rItem] < keys[cItem]) {
          child++;
          cItem = rItem;
        }
      }
      if (keys[cItem] >= key) break;
      items[slot] = cItem;
      slotOf[cItem] = slot;
      slot = child;
    }
    items[slot] = item;
    slotOf[item] = slot;
  }
}
