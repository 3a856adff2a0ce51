/**
 * Signal holds (src/core/signals.ts): while work that must not be cut in half runs, SIGINT/SIGTERM are caught;
 * afterwards Node's default (die at once) returns, one event-loop turn later so a signal that arrived during
 * synchronous work is not lost; a program's own handler is left alone.
 */
import { afterEach, describe, expect, it } from "vitest";
import { holdTerminationSignals, openSignalHolds } from "../../src/core/signals";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const listeners = () => [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];

describe("holdTerminationSignals", () => {
  const own: (() => void)[] = [];
  afterEach(() => {
    for (const f of own) {
      process.off("SIGINT", f);
      process.off("SIGTERM", f);
    }
    own.length = 0;
  });

  it("listens to SIGINT and SIGTERM while a hold is open and stops one event-loop turn after the last release", async () => {
    const before = listeners();
    expect(before).toEqual([0, 0]); // the test process itself does not handle these signals
    const release1 = holdTerminationSignals();
    const release2 = holdTerminationSignals();
    expect(openSignalHolds()).toBe(2);
    expect(listeners()).toEqual([1, 1]);
    release1();
    release1(); // releasing twice is harmless
    expect(openSignalHolds()).toBe(1);
    release2();
    expect(openSignalHolds()).toBe(0);
    // still listening until the loop turns: a signal that arrived during the synchronous work is delivered first
    expect(listeners()).toEqual([1, 1]);
    await turn();
    await turn();
    expect(listeners()).toEqual(before);
  });

  it("a new hold before the loop turns keeps the listeners", async () => {
    const before = listeners();
    holdTerminationSignals()();
    const release = holdTerminationSignals();
    await turn();
    expect(listeners()).toEqual([1, 1]);
    release();
    await turn();
    await turn();
    expect(listeners()).toEqual(before);
  });

  it("adds no listener for a signal the program already handles", async () => {
    const handler = () => {};
    own.push(handler);
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    const before = listeners();
    const release = holdTerminationSignals();
    expect(listeners()).toEqual(before);
    release();
    await turn();
    expect(listeners()).toEqual(before);
  });
});
