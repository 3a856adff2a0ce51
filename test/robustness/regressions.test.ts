/**
 * One regression test per class of bad input found by the probe of issue 7: each asserts the error code of the
 * catalogue and the exit status through runCli (never the wording), and that no stack trace is printed.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTntpDir } from "../../src/assignment/tntp";
import { protectNegativeCoordinates } from "../../src/cli/options";
import { validateNetwork } from "../../src/network/load";
import { openNetwork } from "../../src/network/open";
import { cli, copyTestbot, exitOf, TESTBOT, TINY_NET, TINY_TRIPS, tinyNetText, tmp, tmpFile, tntpDir } from "./helpers";

const STACK = /\n\s+at /;

async function expectError(args: readonly string[], code: Parameters<typeof exitOf>[0]): Promise<void> {
  const r = await cli(args);
  expect(r.err).not.toMatch(STACK);
  expect(r.errorCode, r.err).toBe(code);
  expect(r.code).toBe(exitOf(code));
}

describe("a valid tiny TNTP instance (the baseline the broken variants differ from)", () => {
  it("assigns with exit 0", async () => {
    const r = await cli(["assign", "--no-store", "--tntp", tntpDir(), "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/null|NaN|Infinity/);
  });
});

describe("class 2: overflowing or degenerate numbers are refused up front", () => {
  it("a trip entry of 1e300 is E_PARSE", async () => {
    await expectError(["assign", "--tntp", tntpDir(tinyNetText(), TINY_TRIPS.replace("2 :  150;", "2 :  1e300;"))], "E_PARSE");
  });
  it("a trip entry of 1e400 (overflow) is E_PARSE", async () => {
    await expectError(["assign", "--tntp", tntpDir(tinyNetText(), TINY_TRIPS.replace("2 :  150;", "2 :  1e400;"))], "E_PARSE");
  });
  it("--demand-scale 1e308 is E_USAGE", async () => {
    await expectError(["assign", "--tntp", tntpDir(), "--demand-scale", "1e308"], "E_USAGE");
  });
  it("power 0 with b > 0 is E_PARSE", async () => {
    const links = [...TINY_NET.links];
    links[0] = "1\t3\t100\t1\t1\t0.15\t0\t0\t0\t1\t;";
    await expectError(["assign", "--tntp", tntpDir(tinyNetText({ links }))], "E_PARSE");
  });
  it("a subnormal capacity (1e-320) is E_PARSE", async () => {
    const links = [...TINY_NET.links];
    links[0] = "1\t3\t1e-320\t1\t1\t0.15\t4\t0\t0\t1\t;";
    await expectError(["assign", "--tntp", tntpDir(tinyNetText({ links }))], "E_PARSE");
  });
  it("in-range inputs whose product overflows (huge demand through a tiny capacity at power 16) are E_NUMERIC_RANGE", async () => {
    const links = [...TINY_NET.links];
    links[0] = "1\t3\t1e-6\t1\t1e9\t1e12\t16\t0\t0\t1\t;";
    links[2] = "1\t2\t1e-6\t5\t1e9\t1e12\t16\t0\t0\t1\t;";
    const trips = TINY_TRIPS.replace("2 :  150;", "2 :  1e12;");
    await expectError(["assign", "--tntp", tntpDir(tinyNetText({ links }), trips), "--demand-scale", "1e6"], "E_NUMERIC_RANGE");
  });
  it("--co2-price 1e308 is E_USAGE, not a wrong 'does not connect' diagnosis", async () => {
    await expectError(["--data", TESTBOT, "matrix", "--places", "portia,alpha", "--co2-price", "1e308"], "E_USAGE");
    await expectError(["--data", TESTBOT, "route", "portia", "alpha", "--co2-price", "1e308"], "E_USAGE");
  });
  it("--gap 0x10, --max-iterations Infinity and --theta '' are E_USAGE", async () => {
    await expectError(["assign", "--tntp", tntpDir(), "--gap", "0x10"], "E_USAGE");
    await expectError(["assign", "--tntp", tntpDir(), "--max-iterations", "Infinity"], "E_USAGE");
    await expectError(["assign", "--tntp", tntpDir(), "--theta", " "], "E_USAGE");
  });
});

describe("class 3: sizes declared in headers are checked before allocating", () => {
  it("<NUMBER OF ZONES> 200000 in a trips file is E_PARSE, not a RangeError", async () => {
    await expectError(["assign", "--tntp", tntpDir(tinyNetText(), TINY_TRIPS.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 200000"))], "E_PARSE");
  });
  it("a trips file declaring 10000 zones for a 2-zone network is E_PARSE", async () => {
    await expectError(["assign", "--tntp", tntpDir(tinyNetText(), TINY_TRIPS.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 10000"))], "E_PARSE");
  });
  it("a node id one beyond <NUMBER OF NODES> is E_PARSE", async () => {
    const links = [...TINY_NET.links, "3\t4\t100\t1\t1\t0.15\t4\t0\t0\t1\t;"];
    const net = tinyNetText({ links, metadata: TINY_NET.metadata.replace("<NUMBER OF LINKS> 3", "<NUMBER OF LINKS> 4") });
    await expectError(["assign", "--tntp", tntpDir(net)], "E_PARSE");
  });
  it("a node id of 2e9 is E_PARSE at once (no allocation by the id)", async () => {
    const links = [...TINY_NET.links];
    links[1] = "3\t2000000000\t100\t1\t1\t0.15\t4\t0\t0\t1\t;";
    await expectError(["assign", "--tntp", tntpDir(tinyNetText({ links }))], "E_PARSE");
  });
  it("<NUMBER OF LINKS> 2e9 is E_PARSE", async () => {
    await expectError(["assign", "--tntp", tntpDir(tinyNetText({ metadata: TINY_NET.metadata.replace("<NUMBER OF LINKS> 3", "<NUMBER OF LINKS> 2000000000") }))], "E_PARSE");
  });
});

describe("class 4: ambiguous TNTP folders and a file given as --tntp", () => {
  it("two *_net.tntp files are E_USAGE naming both", async () => {
    const dir = tntpDir(tinyNetText(), TINY_TRIPS, { "Other_net.tntp": tinyNetText() });
    const r = await cli(["assign", "--tntp", dir]);
    expect(r.errorCode).toBe("E_USAGE");
    expect(r.code).toBe(exitOf("E_USAGE"));
    expect(r.err).toContain("Other_net.tntp");
    expect(r.err).toContain("Tiny_net.tntp");
  });
  it("two *_trips.tntp files are E_USAGE", async () => {
    await expectError(["assign", "--tntp", tntpDir(tinyNetText(), TINY_TRIPS, { "Other_trips.tntp": TINY_TRIPS })], "E_USAGE");
  });
  it("--tntp pointing at a file is one clear line (no ENOTDIR stack); the reader says E_USAGE naming the folder", async () => {
    const file = join(tntpDir(), "Tiny_net.tntp");
    const r = await cli(["assign", "--tntp", file]);
    expect(r.err).not.toMatch(STACK);
    // the run store hashes the input folder before the reader sees it and may answer first
    expect(["E_USAGE", "E_FILE_NOT_FOUND"]).toContain(r.errorCode);
    expect(r.code).toBe(exitOf(r.errorCode as "E_USAGE"));
    expect(() => loadTntpDir(file)).toThrowError(expect.objectContaining({ code: "E_USAGE" }));
  });
});

describe("class 5: ids named like JavaScript object keys do not pass validation", () => {
  for (const ref of ["src:constructor", "estimate:toString", "src:__proto__", "estimate:hasOwnProperty", "estimate:valueOf"]) {
    it(`a dataset reference ${ref} is an E_PROVENANCE_MISSING problem and validation fails`, async () => {
      const dir = copyTestbot();
      const file = join(dir, "places/testbot.csv");
      writeFileSync(file, readFileSync(file, "utf8").replace("0,0,city|seaport,CNPTA,1000000,estimate:testbot-coords", `0,0,city|seaport,CNPTA,1000000,${ref}`));
      const problems = validateNetwork(dir).problems.filter((p) => p.file === "places/testbot.csv");
      expect(problems.map((p) => [p.code, p.field])).toEqual([["E_PROVENANCE_MISSING", "coordSource"]].map(([c, f]) => [c, expect.stringMatching(new RegExp(`^${f}`))]));
      const r = await cli(["--data", dir, "network", "validate"]);
      expect(r.err).not.toMatch(STACK);
      expect(r.code).toBe(1);
    });
  }
  it("a network revived from the compiled cache keeps its id records free of Object.prototype keys", () => {
    const cacheDir = tmp("caravan-robust-cache-");
    openNetwork(TESTBOT, { cacheDir });
    const revived = openNetwork(TESTBOT, { cacheDir });
    for (const key of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(key in revived.network.sources).toBe(false);
      expect(key in revived.network.rules).toBe(false);
      expect(key in revived.network.origins).toBe(false);
    }
    expect(Object.keys(revived.network.sources).length).toBeGreaterThan(0);
  });
  it("a demand class named constructor or __proto__ is E_DEMAND_INVALID", async () => {
    for (const cls of ["constructor", "__proto__", "toString"]) {
      const demand = tmpFile("demand.csv", `origin,destination,class,amount,source\nportia,alpha,${cls},100,src:testbot-manual\n`);
      await expectError(["--data", TESTBOT, "assign", "--demand", demand], "E_DEMAND_INVALID");
    }
  });
  it("a demand row citing src:constructor is E_DEMAND_INVALID", async () => {
    const demand = tmpFile("demand.csv", "origin,destination,class,amount,source\nportia,alpha,container,100,src:constructor\n");
    await expectError(["--data", TESTBOT, "assign", "--demand", demand], "E_DEMAND_INVALID");
  });
});

describe("class 6: a directory where a file is expected, and a YAML alias bomb", () => {
  it("a directory as --demand is E_FILE_NOT_FOUND", async () => {
    await expectError(["--data", TESTBOT, "assign", "--demand", tmp()], "E_FILE_NOT_FOUND");
  });
  it("a directory named like a dataset file is E_PARSE", async () => {
    const dir = copyTestbot();
    mkdirSync(join(dir, "places/extra.csv"));
    await expectError(["--data", dir, "network", "validate"], "E_PARSE");
  });
  it("a YAML alias bomb in a dataset file is E_PARSE", async () => {
    const dir = copyTestbot();
    const levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
    writeFileSync(join(dir, "chokepoints.yaml"), `${levels.join("\n")}\nchokepoints: *a11\n`);
    await expectError(["--data", dir, "network", "validate"], "E_PARSE");
  });
  it("hex, .inf and 1e400 as YAML numbers are E_PARSE", async () => {
    for (const bad of ["0x10", ".inf", "1e400"]) {
      const dir = copyTestbot();
      const file = join(dir, "cargo.yaml");
      const text = readFileSync(file, "utf8");
      const m = /(\w+: \{ value: )(\d+(?:\.\d+)?)/.exec(text);
      expect(m, "cargo.yaml has a { value: N } figure").not.toBeNull();
      writeFileSync(file, text.replace(m![0], `${m![1]}${bad}`));
      await expectError(["--data", dir, "network", "validate"], "E_PARSE");
    }
  });
});

const GRAVITY = "exporter,importer,trade,dist\nA,B,10,1\nA,C,20,2\nB,A,12,1\nB,C,30,3\nC,A,22,2\nC,B,31,3\n";

describe("class 7 and 8: formulas and degenerate estimations", () => {
  it("a formula with 5000 nested calls is E_FORMULA_INVALID, not a stack overflow", async () => {
    const data = tmpFile("g.csv", GRAVITY);
    const formula = `trade ~ ${"log(".repeat(5000)}dist${")".repeat(5000)}`;
    await expectError(["gravity", "estimate", "--data", data, "--formula", formula], "E_FORMULA_INVALID");
  });
  it("trade ~ 0 (nothing to estimate) is E_FORMULA_INVALID", async () => {
    await expectError(["gravity", "estimate", "--data", tmpFile("g.csv", GRAVITY), "--formula", "trade ~ 0"], "E_FORMULA_INVALID");
  });
  it("zero residual degrees of freedom is E_ESTIMATION_FAILED, not Infinity standard errors", async () => {
    const data = tmpFile("g.csv", "exporter,importer,trade,dist\nA,B,10,1\nB,A,20,2\n");
    await expectError(["gravity", "estimate", "--data", data, "--formula", "trade ~ log(dist)"], "E_ESTIMATION_FAILED");
  });
  it("clustering on a variable with a single cluster is E_ESTIMATION_FAILED", async () => {
    const data = tmpFile("g.csv", GRAVITY.replace(/\n/g, ",1\n").replace("dist,1", "dist,region"));
    await expectError(["gravity", "estimate", "--data", data, "--formula", "trade ~ log(dist)", "--cluster", "region"], "E_ESTIMATION_FAILED");
  });
  it("a cell of 1e400 in a gravity table is E_PARSE", async () => {
    await expectError(["gravity", "estimate", "--data", tmpFile("g.csv", GRAVITY.replace("A,B,10,1", "A,B,1e400,1")), "--formula", "trade ~ log(dist)"], "E_PARSE");
  });
});

describe("class 9: a negative longitude is a place, not an option", () => {
  it("route -0.05,0.01 alpha snaps to the place near the coordinate", async () => {
    const r = await cli(["--data", TESTBOT, "route", "-0.05,0.01", "alpha", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toBeTruthy();
  });
  it("pre-processing leaves options, negative option values and everything after -- alone", () => {
    expect(protectNegativeCoordinates(["route", "-9.14,38.72", "duisburg", "--co2-price", "-5", "--", "-1,2"])).toEqual([
      "route",
      " -9.14,38.72",
      "duisburg",
      "--co2-price",
      "-5",
      "--",
      "-1,2",
    ]);
  });
});

describe("class 11: non-regular output targets are never replaced by a regular file", () => {
  it("--flows-out /dev/full reports E_FILE_WRITE and /dev/full stays a device", async () => {
    const { statSync, existsSync } = await import("node:fs");
    if (!existsSync("/dev/full")) return;
    await expectError(["assign", "--tntp", tntpDir(), "--flows-out", "/dev/full"], "E_FILE_WRITE");
    expect(statSync("/dev/full").isCharacterDevice()).toBe(true);
  });
  it("a symbolic link as --flows-out stays a link; its target gets the flows, and no temporary file is left", async () => {
    const { symlinkSync, lstatSync, readdirSync } = await import("node:fs");
    const dir = tmp();
    writeFileSync(join(dir, "real.csv"), "old");
    symlinkSync(join(dir, "real.csv"), join(dir, "link.csv"));
    const r = await cli(["assign", "--tntp", tntpDir(), "--flows-out", join(dir, "link.csv")]);
    expect(r.code, r.err).toBe(0);
    expect(lstatSync(join(dir, "link.csv")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "real.csv"), "utf8")).not.toBe("old");
    expect(readdirSync(dir).sort()).toEqual(["link.csv", "real.csv"]);
  });
  it("--flows-out naming a directory is E_FILE_WRITE", async () => {
    await expectError(["assign", "--tntp", tntpDir(), "--flows-out", tmp()], "E_FILE_WRITE");
  });
});

describe("class 12: hexadecimal amounts", () => {
  it("0x10 as a demand amount is E_PARSE", async () => {
    const demand = tmpFile("demand.csv", "origin,destination,class,amount,source\nportia,alpha,container,0x10,estimate:testbot-coords\n");
    await expectError(["--data", TESTBOT, "assign", "--demand", demand], "E_PARSE");
  });
});

describe("every user error is one line caravan: E_CODE: message", () => {
  for (const args of [["route", "a", "b", "c"], ["rout"], ["route", "--no-such-option", "a", "b"], ["assign", "--gap"], ["--data"]]) {
    it(`commander's usage error for ${JSON.stringify(args)} is E_USAGE on one line with exit 2`, async () => {
      const r = await cli(args);
      expect(r.errorCode).toBe("E_USAGE");
      expect(r.code).toBe(exitOf("E_USAGE"));
      expect(r.err.trimEnd().split("\n")).toHaveLength(1);
      expect(r.out).toBe("");
    });
  }
  it("a subcommand's --help goes to the program's output, not to the process", async () => {
    const r = await cli(["route", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: caravan route/);
  });
});

describe("class 6 (trade imports): directories, broken gzip and overflowing values", () => {
  const countries = () => tmpFile("countries.csv", "country_code,country_name,country_iso2,country_iso3\n398,Kazakhstan,KZ,KAZ\n156,China,CN,CHN\n");
  it("a directory as --comtrade or --baci is E_FILE_NOT_FOUND", async () => {
    await expectError(["gravity", "import", "--comtrade", tmp()], "E_FILE_NOT_FOUND");
    await expectError(["gravity", "import", "--baci", tmp(), "--countries", countries()], "E_FILE_NOT_FOUND");
  });
  it("a .gz file that is not gzip data is E_PARSE (no unhandled stream error)", async () => {
    await expectError(["gravity", "import", "--comtrade", tmpFile("x.csv.gz", "not gzip")], "E_PARSE");
    await expectError(["gravity", "import", "--baci", tmpFile("b.csv.gz", "not gzip"), "--countries", countries()], "E_PARSE");
  });
  it("a BACI value of 1e400 is E_PARSE", async () => {
    await expectError(["gravity", "import", "--baci", tmpFile("b.csv", "t,i,j,k,v,q\n2022,398,156,010121,1e400,3\n"), "--countries", countries()], "E_PARSE");
  });
});
