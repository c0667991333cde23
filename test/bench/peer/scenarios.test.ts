import { describe, expect, it } from "vitest";
import { sinceVerdict } from "../../../bench/peer/scenarios";

describe("sinceVerdict", () => {
  it("times the automatic rollback from the failing verdict to safe and, for a command, to its exit", () => {
    expect(sinceVerdict(1000, 1250, 7000)).toEqual({ safeSeconds: 0.25, recordedSeconds: 6 });
  });

  it("has no time-to-recorded for a controller that records nothing", () => {
    expect(sinceVerdict(1000, 1100)).toEqual({ safeSeconds: 0.1 });
  });

  it("refuses weights that went back before the verdict: something else moved them", () => {
    expect(() => sinceVerdict(2000, 1500, 3000)).toThrow(/before the verdict/);
  });
});
