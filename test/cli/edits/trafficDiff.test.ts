import { describe, expect, it } from "vitest";
import { trafficDiff } from "../../../cli/edits/trafficDiff";
import { checkout } from "../../helpers/fixtures";

describe("the traffic diff an operator reviews", () => {
  it.each([
    [{ canary: 0 }, { canary: 5 }, ["checkout: blue 100 -> 95, green 0 -> 5"]],
    [{ canary: 50 }, { live: "green", canary: 0 }, ["checkout: blue 50 -> 0, green 50 -> 100"]],
    [{ canary: 0 }, { canary: 0 }, ["checkout: traffic unchanged (blue 100, green 0)"]],
    [{ mirror: 0 }, { mirror: 10 }, ["checkout: traffic unchanged (blue 100, green 0)", "checkout: mirrored to the idle color 0% -> 10%"]],
  ])("%j to %j", (before, after, lines) => {
    expect(trafficDiff(checkout((s) => Object.assign(s, before)), checkout((s) => Object.assign(s, after)))).toEqual(lines);
  });

  it("names the versions that change and the colors that appear", () => {
    const before = checkout((service) => delete service.green);
    const after = checkout((service) => (service.blue.version = "1.4.3"));
    expect(trafficDiff(before, after)).toEqual([
      "checkout: traffic unchanged (blue 100, green 0)",
      "checkout: blue 1.4.2 -> 1.4.3",
      "checkout: green (none) -> 1.5.0",
    ]);
  });
});
