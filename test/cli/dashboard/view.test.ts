import { describe, expect, it } from "vitest";
import { dashboardView, type DashboardSources, type Reading } from "../../../cli/dashboard/view";
import type { StackUpdate } from "../../../cli/reports/history";
import type { RolloutAnalysis } from "../../../cli/rollout/analysisRecord";
import type { ServicesOutput } from "../../../model/status";
import { parsed } from "../../helpers/fixtures";

const ok = <T>(value: T): Reading<T> => ({ ok: true, value });
const failed = (reason: string): Reading<never> => ({ ok: false, reason });

const outputs: ServicesOutput = {
  checkout: {
    live: "blue",
    canary: 25,
    weights: { blue: 75, green: 25 },
    versions: { blue: "1.4.2", green: "1.5.0" },
    images: { blue: "registry.example.com/shop/checkout:1.4.2", green: "registry.example.com/shop/checkout:1.5.0" },
    replicas: { blue: 3, green: 3 },
    router: "istio",
    mirror: 0,
  },
};

const update = (minute: number, canary: number, message: string): StackUpdate => ({
  startTime: new Date(Date.UTC(2026, 10, 30, 10, minute)),
  kind: "update",
  result: "succeeded",
  message,
  servicesConfig: JSON.stringify({ checkout: { live: "blue", canary, blue: { version: "1.4.2" }, green: { version: "1.5.0" } } }),
});

function sources(overrides: Partial<DashboardSources> = {}): DashboardSources {
  return {
    stack: "dev",
    config: ok(parsed((raw) => (raw.services.checkout.canary = 25))),
    outputs: ok(outputs),
    history: ok([update(1, 0, "first"), update(2, 25, "checkout: canary 25% to green (by ann@laptop)")]),
    pods: ok({ checkout: { blue: { ready: 3, desired: 3 }, green: { ready: 2, desired: 3 } } }),
    routes: ok({ checkout: { blue: 75, green: 25 } }),
    rollouts: ok([]),
    ...overrides,
  };
}

const READ_AT = new Date(Date.UTC(2026, 10, 30, 12));

describe("the dashboard's view: status, history, compare and rollouts joined per service", () => {
  it("shows each color's version, image and ready/desired pods, and the live VirtualService's weights", () => {
    const view = dashboardView(sources(), READ_AT);
    expect(view.unavailable).toEqual([]);
    const [card] = view.services;
    expect(card).toMatchObject({ service: "checkout", live: "blue", canary: 25, traffic: { value: { source: "cluster", weights: { blue: 75, green: 25 } } } });
    expect(card!.movedNotRecorded).toBeUndefined();
    expect(card!.colors).toEqual({
      value: [
        { color: "blue", live: true, version: "1.4.2", image: "registry.example.com/shop/checkout:1.4.2", pods: { value: { ready: 3, desired: 3 } } },
        { color: "green", live: false, version: "1.5.0", image: "registry.example.com/shop/checkout:1.5.0", pods: { value: { ready: 2, desired: 3 } } },
      ],
    });
  });

  it("marks a service 'moved, not recorded' when the cluster routes other weights than the stack's last update recorded", () => {
    const card = dashboardView(sources({ routes: ok({ checkout: { blue: 100, green: 0 } }) }), READ_AT).services[0]!;
    expect(card.movedNotRecorded).toEqual({ cluster: { blue: 100, green: 0 }, recorded: { blue: 75, green: 25 } });
    expect(card.traffic).toEqual({ value: { source: "cluster", weights: { blue: 100, green: 0 } } });
  });

  it("falls back to the recorded weights when the cluster cannot be read, and says why pods and traffic are unavailable", () => {
    const down = "the API server could not be read: connect ECONNREFUSED 127.0.0.1:6443";
    const view = dashboardView(sources({ pods: failed(down), routes: failed(down) }), READ_AT);
    expect(view.unavailable).toEqual([
      { source: "pods (API server)", reason: down },
      { source: "traffic (API server)", reason: down },
    ]);
    const card = view.services[0]!;
    expect(card.traffic).toEqual({ value: { source: "stack", weights: { blue: 75, green: 25 } } });
    expect(card.movedNotRecorded).toBeUndefined();
    expect("value" in card.colors && card.colors.value.map((color) => color.pods)).toEqual([{ unavailable: down }, { unavailable: down }]);
    expect("value" in card.history).toBe(true);
  });

  it("still shows the services of the stack config when the stack's outputs and history cannot be read", () => {
    const view = dashboardView(sources({ outputs: failed("backend unreachable"), history: failed("backend unreachable") }), READ_AT);
    const card = view.services[0]!;
    expect(card).toMatchObject({ service: "checkout", live: "blue", canary: 25, colors: { unavailable: "backend unreachable" }, history: { unavailable: "backend unreachable" } });
    expect(card.traffic).toEqual({ value: { source: "cluster", weights: { blue: 75, green: 25 } } });
    expect("value" in card.compare).toBe(true);
  });

  it("marks traffic unavailable when neither the cluster nor the stack's record has it", () => {
    const view = dashboardView(sources({ outputs: failed("backend unreachable"), routes: failed("cluster down") }), READ_AT);
    expect(view.services[0]!.traffic).toEqual({ unavailable: "cluster down" });
  });

  it("gives the history rows with the change described as switchyard history does, and compare's rows", () => {
    const card = dashboardView(sources(), READ_AT).services[0]!;
    expect("value" in card.history && card.history.value.map((row) => row.description)).toEqual([
      "first deployed (message: first)",
      "canary 0 -> 25 (message: checkout: canary 25% to green (by ann@laptop))",
    ]);
    expect("value" in card.compare && card.compare.value.rows[0]).toEqual(["version", "1.4.2 -> 1.5.0 (minor upgrade)"]);
  });

  it("says why compare is unavailable for a service with one color", () => {
    const config = parsed((raw) => delete raw.services.checkout.green);
    const card = dashboardView(sources({ config: ok(config) }), READ_AT).services[0]!;
    expect(card.compare).toEqual({ unavailable: expect.stringContaining("services.checkout.green") });
  });

  it("shows the schema gate: which color can run on the database's schema version", () => {
    const config = parsed((raw) => {
      raw.services.checkout.database = { schemaVersion: 13 };
      raw.services.checkout.green.schema = ">=14 <16";
    });
    const card = dashboardView(sources({ config: ok(config) }), READ_AT).services[0]!;
    expect(card.schemaGate).toEqual({
      schemaVersion: 13,
      colors: [
        { color: "blue", schema: ">=12 <14", runs: true },
        { color: "green", schema: ">=14 <16", runs: false },
      ],
    });
    expect(dashboardView(sources(), READ_AT).services[0]!.schemaGate).toBeUndefined();
  });

  it("lists rollouts newest first", () => {
    const rollout = (service: string, startedAt: string): RolloutAnalysis => ({
      stack: "dev",
      service,
      canaryColor: "green",
      version: "1.5.0",
      steps: [5, 50],
      intervalMs: 60_000,
      thresholds: { maxErrorRate: 0.005, minRequests: 20, window: "1m" },
      startedAt,
      state: "running",
      points: [],
    });
    const view = dashboardView(sources({ rollouts: ok([rollout("a", "2026-11-30T10:00:00.000Z"), rollout("b", "2026-11-30T11:00:00.000Z")]) }), READ_AT);
    expect(view.rollouts.map((record) => record.service)).toEqual(["b", "a"]);
  });
});
