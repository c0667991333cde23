import { describe, expect, it } from "vitest";
import { recordedMeanwhile, recordFingerprint } from "../../model/recordedState";

const recorded = { checkout: { canary: 0, live: "blue", versions: { blue: "1.5.0" } } };

describe("the record a command checked against the record its update finds", () => {
  it("lets the update go on when nothing was recorded in between, whatever the key order", () => {
    const sameReordered = { checkout: { versions: { blue: "1.5.0" }, live: "blue", canary: 0 } };
    expect(recordedMeanwhile(recordFingerprint(recorded), sameReordered, "dev")).toBeUndefined();
  });

  it("stops the update when another update recorded a different release state meanwhile, and says what to do", () => {
    const moved = { checkout: { ...recorded.checkout, canary: 25 } };
    const problem = recordedMeanwhile(recordFingerprint(recorded), moved, "dev");
    expect(problem).toContain("stack dev was updated by someone else after this command checked it");
    expect(problem).toContain("nothing was changed");
  });

  it("tells a first update (nothing recorded) from one that found a record", () => {
    expect(recordedMeanwhile(recordFingerprint(undefined), undefined, "dev")).toBeUndefined();
    expect(recordedMeanwhile(recordFingerprint(undefined), recorded, "dev")).toContain("updated by someone else");
  });

  it("does not check an update started without an expectation, such as pulumi up by hand", () => {
    expect(recordedMeanwhile(undefined, recorded, "dev")).toBeUndefined();
  });
});
