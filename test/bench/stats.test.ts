import { describe, expect, it } from "vitest";
import { ratio, summarize } from "../../bench/stats";

describe("summarize", () => {
  it("takes the middle value of an odd number of runs, whatever their order", () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: 3 });
  });

  it("averages the two middle values of an even number of runs", () => {
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  it("refuses an empty list rather than report a figure", () => {
    expect(() => summarize([])).toThrow(/no measurements/);
  });
});

describe("ratio", () => {
  it("divides medians, and is undefined when a figure is missing", () => {
    expect(ratio(summarize([4]), summarize([2]))).toBe(2);
    expect(ratio(undefined, summarize([2]))).toBeUndefined();
  });
});
