import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

describe("caravan CLI shell", () => {
  it("prints help and exits 0", async () => {
    const c = capture();
    expect(await runCli(["--help"], c.io)).toBe(0);
    expect(c.out.join("")).toMatch(/Usage: caravan/);
  });

  it("exits 2 on an unknown command without a stack trace", async () => {
    const c = capture();
    expect(await runCli(["no-such-command"], c.io)).toBe(2);
    expect(c.err.join("")).not.toMatch(/\n\s+at /);
  });
});
