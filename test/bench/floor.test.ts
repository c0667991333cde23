import { describe, expect, it } from "vitest";
import { virtualServicesWithLive } from "../../bench/floor";

const destination = (subset: string) => ({ host: "a.bench.svc.cluster.local", subset, port: { number: 8080 } });
const live = {
  items: [
    {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: "a", namespace: "bench", uid: "u-1", resourceVersion: "42", managedFields: [{}] },
      spec: {
        hosts: ["a.bench.svc.cluster.local"],
        http: [
          { name: "blue-by-header", match: [{ name: "blue" }], route: [{ destination: destination("blue") }] },
          { name: "weighted", route: [{ destination: destination("blue"), weight: 100 }, { destination: destination("green"), weight: 0 }] },
        ],
      },
    },
  ],
};

describe("the kubectl floor's manifests", () => {
  it("moves all weighted traffic to the live color and leaves the header routes alone", () => {
    const list = JSON.parse(virtualServicesWithLive(live, "green"));
    const [service] = list.items;
    expect(service.spec.http[0]).toEqual(live.items[0]!.spec.http[0]);
    expect(service.spec.http[1].route.map((to: any) => [to.destination.subset, to.weight])).toEqual([
      ["blue", 0],
      ["green", 100],
    ]);
  });

  it("carries only name, namespace and spec, so the write is the routes and nothing else", () => {
    const list = JSON.parse(virtualServicesWithLive(live, "blue"));
    expect(list.kind).toBe("List");
    expect(list.items[0].metadata).toEqual({ name: "a", namespace: "bench" });
    expect(list.items[0].spec).toEqual(live.items[0]!.spec);
  });
});
