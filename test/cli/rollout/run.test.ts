import { describe, expect, it } from "vitest";
import { PrometheusError } from "../../../cli/rollout/prometheus";
import type { CanaryFigures } from "../../../cli/rollout/verdict";
import { parseInterval, parseSteps, runRollout, ServiceChangedError, type RolloutActions, type RolloutPlan } from "../../../cli/rollout/run";

const THRESHOLDS = { maxErrorRate: 0.005, minRequests: 100, window: "2m" };

/** Records what a rollout does; measurements come from the queue, in order. */
function fakeWorld(measurements: (CanaryFigures | Error)[], options: { failCanaryAt?: number; onWait?: () => void } = {}) {
  const actions: string[] = [];
  const world: RolloutActions = {
    setCanary: async (percent) => {
      actions.push(`canary ${percent}`);
      if (percent === options.failCanaryAt) throw new Error("green never became ready");
    },
    revert: async () => void actions.push("revert"),
    promote: async () => void actions.push("promote"),
    measure: async () => {
      const next = measurements.shift();
      if (next === undefined) throw new Error("measured more often than expected");
      if (next instanceof Error) throw next;
      return [{ service: "checkout", figures: next }];
    },
    wait: async () => options.onWait?.(),
    log: () => {},
  };
  return { world, actions };
}

const plan = (steps: number[], startCanary = 0): RolloutPlan => ({ steps, intervalMs: 1000, startCanary, thresholds: THRESHOLDS });
const healthy: CanaryFigures = { requests: 1000, errorRate: 0.001 };
const never = new AbortController().signal;

describe("a rollout walks the canary through its steps", () => {
  it("promotes after every step passed", async () => {
    const { world, actions } = fakeWorld([healthy, healthy, healthy]);
    const outcome = await runRollout(plan([5, 25, 100]), world, never);
    expect(outcome.kind).toBe("promoted");
    expect(actions).toEqual(["canary 5", "canary 25", "canary 100", "promote"]);
  });

  it("rolls the canary back to 0 at once when a step fails, with the measured figures", async () => {
    const { world, actions } = fakeWorld([healthy, { requests: 1200, errorRate: 0.02 }]);
    const outcome = await runRollout(plan([5, 25, 100]), world, never);
    expect(outcome).toMatchObject({ kind: "rolled-back", failedAt: 25, reason: "error rate 2.00% > 0.50% over 2m (1200 requests)" });
    expect(actions).toEqual(["canary 5", "canary 25", "revert"]);
  });

  it("halts without promoting when there is too little traffic to judge, leaving the step in place", async () => {
    const { world, actions } = fakeWorld([{ requests: 12, errorRate: 0 }]);
    const outcome = await runRollout(plan([5, 100]), world, never);
    expect(outcome).toMatchObject({ kind: "halted", canary: 5 });
    expect(actions).toEqual(["canary 5"]);
  });

  it("halts without promoting when Prometheus cannot answer", async () => {
    const { world, actions } = fakeWorld([new PrometheusError("Prometheus at http://127.0.0.1:1 is unreachable: connection refused")]);
    const outcome = await runRollout(plan([5, 100]), world, never);
    expect(outcome).toMatchObject({ kind: "halted", canary: 5, reason: expect.stringContaining("unreachable") });
    expect(actions).not.toContain("promote");
  });

  it("rolls back when the update to a step fails", async () => {
    const { world, actions } = fakeWorld([healthy], { failCanaryAt: 25 });
    const outcome = await runRollout(plan([5, 25]), world, never);
    expect(outcome).toMatchObject({ kind: "rolled-back", failedAt: 25, reason: expect.stringContaining("green never became ready") });
    expect(actions).toEqual(["canary 5", "canary 25", "revert"]);
  });

  it("resumes after the steps already reached", async () => {
    const { world, actions } = fakeWorld([healthy, healthy]);
    await runRollout(plan([5, 25, 50], 25), world, never);
    expect(actions).toEqual(["canary 50", "promote"]);
  });

  it("an interrupt while waiting keeps the finished step and stops", async () => {
    const interrupt = new AbortController();
    const { world, actions } = fakeWorld([healthy], { onWait: () => interrupt.abort() });
    const outcome = await runRollout(plan([5, 25]), world, interrupt.signal);
    expect(outcome).toMatchObject({ kind: "interrupted", canary: 5, reverted: false });
    expect(actions).toEqual(["canary 5"]);
  });

  it("an interrupt that cancelled the update under way sets the canary back to 0", async () => {
    const interrupt = new AbortController();
    const { world, actions } = fakeWorld([]);
    world.setCanary = async (percent) => {
      actions.push(`canary ${percent}`);
      interrupt.abort();
      throw new Error("update canceled");
    };
    const outcome = await runRollout(plan([5, 25]), world, interrupt.signal);
    expect(outcome).toMatchObject({ kind: "interrupted", canary: 0, reverted: true });
    expect(actions).toEqual(["canary 5", "revert"]);
  });

  it("stops without writing when someone else changed the service before the next step", async () => {
    const { world, actions } = fakeWorld([healthy]);
    world.setCanary = async (percent) => {
      if (percent === 25) throw new ServiceChangedError("services.checkout.canary: this rollout left 5, now 0");
      actions.push(`canary ${percent}`);
    };
    const outcome = await runRollout(plan([5, 25, 50]), world, never);
    expect(outcome).toMatchObject({ kind: "superseded", canary: 5, reason: "services.checkout.canary: this rollout left 5, now 0" });
    expect(actions).toEqual(["canary 5"]);
  });

  it("does not roll back over someone else's change after a failing step", async () => {
    const { world, actions } = fakeWorld([{ requests: 1000, errorRate: 0.5 }]);
    world.revert = async () => {
      throw new ServiceChangedError("services.checkout.live: this rollout left blue, now green");
    };
    const outcome = await runRollout(plan([5, 25]), world, never);
    expect(outcome).toMatchObject({ kind: "superseded", canary: 5 });
    expect(actions).toEqual(["canary 5"]);
  });
});

describe("rollout arguments", () => {
  it.each([
    ["5,25,50,100", [5, 25, 50, 100]],
    ["10", [10]],
    [" 5, 50 ", [5, 50]],
  ])("--steps %j is %j", (text, steps) => expect(parseSteps(text)).toEqual(steps));

  it.each(["", "0,5", "5,5", "50,25", "5,101", "5,x", "2.5"])("--steps %j is refused with what is allowed", (text) =>
    expect(() => parseSteps(text)).toThrow(/^--steps: got ".*"; allowed: a comma-separated list of ascending integer percentages/),
  );

  it.each([
    ["90s", 90_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["500ms", 500],
  ])("--interval %j is %d ms", (text, ms) => expect(parseInterval(text)).toBe(ms));

  it.each(["2", "0s", "1.5m", "soon"])("--interval %j is refused", (text) =>
    expect(() => parseInterval(text)).toThrow(/^--interval: got ".*"; allowed: a duration such as 30s, 2m or 1h$/),
  );
});

describe("a group rollout: every member judged at each step", () => {
  it("rolls the whole group back when one member fails, recording every member's verdict", async () => {
    const actions: string[] = [];
    const world: RolloutActions = {
      setCanary: async (percent) => void actions.push(`canary ${percent}`),
      revert: async () => void actions.push("revert"),
      promote: async () => void actions.push("promote"),
      measure: async () => [
        { service: "checkout", figures: healthy },
        { service: "catalog", figures: { requests: 1000, errorRate: 0.05 } },
      ],
      wait: async () => {},
      log: () => {},
    };
    const outcome = await runRollout(plan([25, 50]), world, never);
    expect(actions).toEqual(["canary 25", "revert"]);
    expect(outcome).toMatchObject({ kind: "rolled-back", failedAt: 25, reason: "catalog: error rate 5.00% > 0.50% over 2m (1000 requests)" });
    const [step] = outcome.steps;
    expect(step!.figures).toEqual({ requests: 1000, errorRate: 0.05 });
    expect(step!.members!.map((member) => [member.service, member.verdict.kind])).toEqual([["checkout", "pass"], ["catalog", "fail"]]);
  });
});
