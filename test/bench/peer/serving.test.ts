import { describe, expect, it } from "vitest";
import { virtualServiceSpec } from "../../../model/routing/istioSpecs";
import { flagSeen, fullyServedBy, serving, setsLaneHeaders, weightOn, weightOnNothing, type ConfigMap, type DestinationRule, type Pod, type VirtualService } from "../../../bench/peer/serving";

const vs = (weights: Record<string, number>): VirtualService => ({
  metadata: { name: "svc" },
  spec: {
    http: [
      { name: "blue-by-header", route: [{ destination: { subset: "blue" } }] },
      { name: "weighted", route: Object.entries(weights).map(([subset, weight]) => ({ destination: { subset }, weight })) },
    ],
  },
});

const dr: DestinationRule = {
  metadata: { name: "svc" },
  spec: {
    subsets: [
      { name: "blue", labels: { "app.kubernetes.io/name": "svc", color: "blue" } },
      { name: "green", labels: { "app.kubernetes.io/name": "svc", color: "green" } },
    ],
  },
};

function pod(name: string, color: string, version: string, ready: boolean, configMap = `svc-${color}`): Pod {
  return {
    metadata: { name, labels: { "app.kubernetes.io/name": "svc", color, "app.kubernetes.io/version": version } },
    spec: { containers: [{ envFrom: [{ configMapRef: { name: configMap } }] }] },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

const pods = [pod("b1", "blue", "1.0.0", true), pod("b2", "blue", "1.0.0", true), pod("g1", "green", "1.1.0", true), pod("g2", "green", "1.1.0", false)];

describe("serving", () => {
  it("resolves the weighted route's subsets to the ready pods they select, by version", () => {
    expect(serving(vs({ blue: 75, green: 25 }), dr, pods)).toEqual([
      { subset: "blue", weight: 75, readyByVersion: { "1.0.0": 2 }, ready: 2 },
      { subset: "green", weight: 25, readyByVersion: { "1.1.0": 1 }, ready: 1 },
    ]);
  });

  it("counts a subset the DestinationRule lacks, and terminating pods, as nothing", () => {
    const terminating = { ...pod("b3", "blue", "1.0.0", true), metadata: { ...pod("b3", "blue", "1.0.0", true).metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
    const destinations = serving(vs({ blue: 100, canary: 0 }), dr, [terminating]);
    expect(destinations.map((d) => d.ready)).toEqual([0, 0]);
    expect(weightOnNothing(destinations)).toBe(100);
  });
});

describe("weightOn and fullyServedBy", () => {
  it("puts a subset's weight on a version only when all its ready pods run it", () => {
    expect(weightOn(serving(vs({ blue: 95, green: 5 }), dr, pods), "1.1.0")).toBe(5);
    const mixed = [...pods, pod("b3", "blue", "1.1.0", true)];
    expect(weightOn(serving(vs({ blue: 95, green: 5 }), dr, mixed), "1.0.0")).toBe(0);
  });

  it("needs all traffic on the version and its full ready replicas", () => {
    expect(fullyServedBy(serving(vs({ blue: 100, green: 0 }), dr, pods), "1.0.0", 2)).toBe(true);
    expect(fullyServedBy(serving(vs({ blue: 0, green: 100 }), dr, pods), "1.1.0", 2)).toBe(false);
    expect(fullyServedBy(serving(vs({ blue: 100, green: 0 }), dr, pods.slice(1)), "1.0.0", 2)).toBe(false);
  });
});

describe("flagSeen", () => {
  const configMaps = (blue: string, green: string): ConfigMap[] => [
    { metadata: { name: "svc-blue" }, data: { FLAG: blue } },
    { metadata: { name: "svc-green" }, data: { FLAG: green } },
    { metadata: { name: "svc-config" }, data: { FLAG: green } },
  ];

  it("reads the flag from the ConfigMaps of the ready pods that get traffic", () => {
    expect(flagSeen(vs({ blue: 100, green: 0 }), dr, pods, configMaps("false", "true"), "FLAG")).toEqual({ false: 2 });
    expect(flagSeen(vs({ blue: 75, green: 25 }), dr, pods, configMaps("false", "true"), "FLAG")).toEqual({ false: 2, true: 1 });
  });

  it("shows a shared, edited ConfigMap on the old version's pods", () => {
    const shared = [pod("b1", "blue", "1.0.0", true, "svc-config"), pod("b2", "blue", "1.0.0", true, "svc-config")];
    expect(flagSeen(vs({ blue: 100, green: 0 }), dr, shared, configMaps("false", "true"), "FLAG")).toEqual({ true: 2 });
  });

  it("says so when no ConfigMap sets the flag", () => {
    expect(flagSeen(vs({ blue: 100, green: 0 }), dr, pods, [], "FLAG")).toEqual({ "(unset)": 2 });
  });
});

describe("setsLaneHeaders", () => {
  const rendered = (lanes: boolean): VirtualService => ({
    metadata: { name: "svc-001" },
    spec: virtualServiceSpec({ service: "svc-001", namespace: "ns", port: 8080, colors: ["blue", "green"], weights: { blue: 75, green: 25 }, live: "blue", mirror: 0, match: [], router: "istio", parentRefs: [], lanes }) as VirtualService["spec"],
  });

  it("tells a member of a group with lanes (switchyard's own rendering) from a service without", () => {
    expect(setsLaneHeaders(rendered(true))).toBe(true);
    expect(setsLaneHeaders(rendered(false))).toBe(false);
  });

  it("needs the header on every weighted destination, and a weighted route at all", () => {
    const one = vs({ blue: 75, green: 25 });
    const http = one.spec.http!.map((route) =>
      route.name === "weighted" ? { ...route, route: route.route!.map((d, i) => (i === 0 ? { ...d, headers: { request: { set: { "x-lane": "blue" } } } } : d)) } : route,
    );
    expect(setsLaneHeaders({ ...one, spec: { http } })).toBe(false);
    expect(setsLaneHeaders({ metadata: { name: "svc" }, spec: {} })).toBe(false);
  });
});
