import { describe, expect, it } from "vitest";
import { colorReplicas, otherColor, trafficWeights } from "../../model/traffic";

describe("weights follow live and canary", () => {
  it.each([
    ["blue", 0, { blue: 100, green: 0 }],
    ["blue", 5, { blue: 95, green: 5 }],
    ["blue", 50, { blue: 50, green: 50 }],
    ["blue", 100, { blue: 0, green: 100 }],
    ["green", 0, { blue: 0, green: 100 }],
    ["green", 5, { blue: 5, green: 95 }],
    ["green", 100, { blue: 100, green: 0 }],
  ] as const)("live %s, canary %i -> %j", (live, canary, expected) => {
    const weights = trafficWeights(live, canary);
    expect(weights).toEqual(expected);
    expect(weights.blue + weights.green).toBe(100);
  });

  it("the other color of blue is green and back", () => {
    expect(otherColor("blue")).toBe("green");
    expect(otherColor("green")).toBe("blue");
  });
});

describe("a color with traffic runs every replica; an idle one keeps idleReplicas", () => {
  it.each([
    [100, 3, 1, 3],
    [5, 3, 1, 3],
    [0, 3, 1, 1],
    [0, 3, 0, 0],
    [0, 3, 3, 3],
  ])("weight %i, replicas %i, idle %i -> %i pods", (weight, replicas, idle, expected) => {
    expect(colorReplicas(weight, replicas, idle)).toBe(expected);
  });
});
