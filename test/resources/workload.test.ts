import { describe, expect, it } from "vitest";
import { rolloutTimeoutSeconds } from "../../resources/workload";

describe("how long pulumi up waits for a color's rollout", () => {
  it.each([
    [2, 15, 60],
    [3, 600, 1830],
    [0, 600, 630],
  ])("%d pods with a %d s progress deadline: %d s", (replicas, deadline, seconds) => {
    expect(rolloutTimeoutSeconds(replicas, deadline)).toBe(seconds);
  });

  it("gives every pod its full deadline, so a slow but progressing rollout is never cut short", () => {
    expect(rolloutTimeoutSeconds(10, 60)).toBeGreaterThan(10 * 60);
  });
});
