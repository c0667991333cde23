import { describe, expect, it } from "vitest";
import { COLOR_HEADER } from "../../../model/naming";
import { planService } from "../../../model/plan";
import { virtualServiceSpec } from "../../../model/routing/istioSpecs";
import { routingInput, virtualServiceObject } from "../../../model/routing/virtualService";
import { parsed } from "../../helpers/fixtures";

const input = { service: "checkout", namespace: "shop", port: 8080, colors: ["blue", "green"] as const, weights: { blue: 75, green: 25 } };

describe("lanes: a request keeps its color across the call chain", () => {
  it("with lanes, each weighted destination sets the lane header to its own color; the header routes stay ahead of the weights", () => {
    const spec = virtualServiceSpec({ ...input, lanes: true });
    expect(spec.http.map((route) => route.name)).toEqual(["blue-by-header", "green-by-header", "weighted"]);
    expect(spec.http[0]!.match).toEqual([{ name: "blue", headers: { [COLOR_HEADER]: { exact: "blue" } } }]);
    expect(spec.http[2]!.route).toEqual([
      { destination: { host: "checkout.shop.svc.cluster.local", subset: "blue", port: { number: 8080 } }, weight: 75, headers: { request: { set: { [COLOR_HEADER]: "blue" } } } },
      { destination: { host: "checkout.shop.svc.cluster.local", subset: "green", port: { number: 8080 } }, weight: 25, headers: { request: { set: { [COLOR_HEADER]: "green" } } } },
    ]);
  });

  it("without lanes, the VirtualService is exactly what it was before groups existed", () => {
    const spec = virtualServiceSpec(input);
    expect(spec.http[2]!.route.every((destination) => destination.headers === undefined)).toBe(true);
    expect(virtualServiceSpec({ ...input, lanes: false })).toEqual(spec);
  });

  it("a member of a group with lanes renders them, in the program and the fast path alike (one routing input)", () => {
    const config = parsed((raw) => (raw.groups = { cart: { services: ["checkout"], lanes: true } }));
    const object = virtualServiceObject(routingInput(planService(config.services[0]!), "shop"));
    const weighted = object.spec.http.find((route) => route.name === "weighted")!;
    expect(weighted.route.map((destination) => destination.headers?.request?.set?.[COLOR_HEADER])).toEqual(["blue", "green"]);
    const grouped = parsed((raw) => (raw.groups = { cart: { services: ["checkout"], lanes: false } }));
    expect(routingInput(planService(grouped.services[0]!), "shop").lanes).toBeUndefined();
  });
});
