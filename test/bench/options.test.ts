import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseOptions } from "../../bench/options";
import { PROJECT_ROOT } from "../../dev/lib/toolchain";

describe("benchmark options", () => {
  it("defaults to 3 runs of 1, 10 and 50 services, 200 previewed, 1 and 50 rolled back, into bench/RESULTS.md", () => {
    expect(parseOptions([], {})).toEqual({
      runs: 3,
      sizes: [1, 10, 50],
      previewSizes: [200],
      rollbackSizes: [1, 50],
      out: path.join(PROJECT_ROOT, "bench", "RESULTS.md"),
    });
  });

  it("takes environment variables, and flags over them; an empty list skips that part", () => {
    const options = parseOptions(["--runs", "1", "--preview-sizes", ""], { BENCH_RUNS: "5", BENCH_SIZES: "1,10", BENCH_ROLLBACK_SIZES: "1" });
    expect(options).toMatchObject({ runs: 1, sizes: [1, 10], previewSizes: [], rollbackSizes: [1] });
  });

  it("refuses what it cannot measure, with the usage", () => {
    expect(() => parseOptions(["--runs", "0"])).toThrow(/--runs: got "0"; allowed: a positive integer\nusage/);
    expect(() => parseOptions(["--sizes", "1,x"])).toThrow(/--sizes: got "x"/);
    expect(() => parseOptions(["--size", "1"])).toThrow(/unknown or incomplete option "--size"/);
    expect(() => parseOptions(["--runs"])).toThrow(/unknown or incomplete option "--runs"/);
    expect(() => parseOptions(["--sizes", "1,10"])).toThrow(/--rollback-sizes: 50 not in --sizes/);
  });
});
