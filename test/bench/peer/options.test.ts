import { describe, expect, it } from "vitest";
import { parsePeerOptions } from "../../../bench/peer/options";

describe("parsePeerOptions", () => {
  it("defaults to 5 runs of 1 and 20 services, 2 profiled runs, written to RESULTS.md", () => {
    expect(parsePeerOptions([])).toEqual({ runs: 5, sizes: [1, 20], profileRuns: 2, write: true });
  });

  it("takes runs, sizes, profiled runs and --no-write", () => {
    expect(parsePeerOptions(["--runs", "3", "--sizes", "1", "--profile-runs", "0", "--no-write"])).toEqual({ runs: 3, sizes: [1], profileRuns: 0, write: false });
  });

  it("refuses what it does not know, with the usage", () => {
    expect(() => parsePeerOptions(["--runs", "0"])).toThrow(/--runs: got "0"; allowed: an integer of at least 1/);
    expect(() => parsePeerOptions(["--sizes", "1,x"])).toThrow(/--sizes/);
    expect(() => parsePeerOptions(["--fast"])).toThrow(/unknown option "--fast"\nusage: npm run bench:peer/);
  });
});
