import { describe, expect, it } from "vitest";
import type { ClusterView } from "../../../bench/peer/clusterView";
import { noteVersionsWhenReached, sinceVerdict } from "../../../bench/peer/scenarios";

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

describe("noteVersionsWhenReached", () => {
  /** A stand-in for the watch: VirtualServices by name, as the test moves them. */
  const fakeView = (versions: Record<string, string>) =>
    ({ get: (_resource: unknown, name: string) => (name in versions ? { metadata: { resourceVersion: versions[name] } } : undefined) }) as unknown as ClusterView;

  it("counts the VirtualServices that changed again after the target first held (a record that should change nothing)", () => {
    const versions: Record<string, string> = { a: "1", b: "1" };
    let safe = false;
    const noted = noteVersionsWhenReached(fakeView(versions), ["a", "b"], () => safe);
    expect(noted.target()).toBe(false);
    versions.a = "2";
    safe = true;
    expect(noted.target()).toBe(true);
    versions.b = "3";
    expect(noted.target()).toBe(true);
    expect(noted.movedSince()).toEqual({ changed: 1, of: 2 });
  });

  it("refuses to compare when the target never held", () => {
    expect(() => noteVersionsWhenReached(fakeView({}), ["a"], () => false).movedSince()).toThrow(/never held/);
  });
});
