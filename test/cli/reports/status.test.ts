import { describe, expect, it } from "vitest";
import { formatStatus, serviceStatuses, withGroups } from "../../../cli/reports/status";

const outputs = {
  checkout: {
    live: "blue" as const,
    canary: 5,
    weights: { blue: 95, green: 5 },
    versions: { blue: "1.4.2", green: "1.5.0" },
    images: { blue: "registry.example.com/shop/checkout:1.4.2", green: "registry.example.com/shop/checkout:1.5.0" },
    replicas: { blue: 2, green: 2 },
    router: "istio" as const,
    mirror: 0,
  },
  catalog: {
    live: "blue" as const,
    canary: 0,
    weights: { blue: 100, green: 0 },
    versions: { blue: "2.0.1" },
    images: { blue: "registry.example.com/shop/catalog:2.0.1" },
    replicas: { blue: 2 },
    router: "gateway-api" as const,
    mirror: 0,
  },
};

describe("the status of every service", () => {
  it("joins the recorded weights and versions with the pods the cluster runs", () => {
    const statuses = serviceStatuses(outputs, { pods: { checkout: { blue: { ready: 2, desired: 2 }, green: { ready: 1, desired: 2 } } }, weights: { checkout: { blue: 95, green: 5 } } });
    expect(statuses).toEqual([
      { service: "catalog", live: "blue", canary: 0, router: "gateway-api", mirror: 0, colors: { blue: { version: "2.0.1", weight: 100 } } },
      {
        service: "checkout",
        live: "blue",
        canary: 5,
        router: "istio",
        mirror: 0,
        colors: {
          blue: { version: "1.4.2", weight: 95, pods: { ready: 2, desired: 2 } },
          green: { version: "1.5.0", weight: 5, pods: { ready: 1, desired: 2 } },
        },
      },
    ]);
  });

  it("prints one row per service with its router, saying when pods are unknown", () => {
    const text = formatStatus(serviceStatuses(outputs, { pods: { checkout: { blue: { ready: 2, desired: 2 }, green: { ready: 1, desired: 2 } } }, weights: { checkout: { blue: 95, green: 5 } } }));
    expect(text.split("\n")).toEqual([
      "service   live   router       blue                        green",
      "catalog   blue   gateway-api  2.0.1 100% pods unknown     -",
      "checkout  blue   istio        1.4.2 95% 2/2 ready         1.5.0 5% 1/2 ready",
    ]);
  });

  it("shows the share mirrored to the idle color", () => {
    const mirrored = { checkout: { ...outputs.checkout, canary: 0, weights: { blue: 100, green: 0 }, mirror: 10 } };
    const text = formatStatus(serviceStatuses(mirrored, { pods: { checkout: { blue: { ready: 2, desired: 2 }, green: { ready: 2, desired: 2 } } }, weights: {} }));
    expect(text.split("\n")[1]).toBe("checkout  blue   istio        1.4.2 100% 2/2 ready        1.5.0 0% +10% mirrored 2/2 ready");
  });

  it("shows a service whose VirtualService holds other weights than the stack recorded as moved, not recorded", () => {
    const statuses = serviceStatuses(outputs, { pods: {}, weights: { checkout: { blue: 100, green: 0 }, catalog: { blue: 100, green: 0 } } });
    expect(statuses.find((status) => status.service === "checkout")!.movedNotRecorded).toEqual({ blue: 100, green: 0 });
    expect(statuses.find((status) => status.service === "catalog")!.movedNotRecorded).toBeUndefined();
    expect(formatStatus(statuses).split("\n")).toEqual([
      "service   live   router       blue                        green",
      "catalog   blue   gateway-api  2.0.1 100% pods unknown     -",
      "checkout  blue   istio        1.4.2 95% pods unknown      1.5.0 5% pods unknown",
      "          moved, not recorded: the cluster sends 100% blue, 0% green; the stack records the weights above (pulumi up records the move)",
    ]);
  });

  it("puts the members of a release group under their group, after the services in none", () => {
    const payments = { ...outputs.catalog, versions: { blue: "3.0.0" }, images: { blue: "registry.example.com/shop/payments:3.0.0" } };
    const groups = [{ name: "cart", services: ["checkout", "catalog"], lanes: true }];
    const statuses = withGroups(serviceStatuses({ ...outputs, payments }, undefined), groups);
    expect(statuses.map((status) => [status.service, status.group])).toEqual([["catalog", "cart"], ["checkout", "cart"], ["payments", undefined]]);
    expect(formatStatus(statuses, groups).split("\n")).toEqual([
      "service     live   router       blue                        green",
      "payments    blue   gateway-api  3.0.0 100% pods unknown     -",
      "group cart (lanes): checkout, catalog",
      "  checkout  blue   istio        1.4.2 95% pods unknown      1.5.0 5% pods unknown",
      "  catalog   blue   gateway-api  2.0.1 100% pods unknown     -",
    ]);
  });
});
