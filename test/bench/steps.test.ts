import { describe, expect, it } from "vitest";
import { changes, isExactRollback, perService, previewTypes, urnType } from "../../bench/steps";

const urn = (type: string, name: string) => `urn:pulumi:bench::switchyard::${type}::${name}`;

describe("engine output", () => {
  it("takes a resource's own type from a URN with a parent chain", () => {
    expect(urnType(urn("switchyard:service:BlueGreenService$kubernetes:apps/v1:Deployment", "a-blue"))).toBe("kubernetes:apps/v1:Deployment");
  });

  it("lists the types of a preview's steps", () => {
    const preview = JSON.stringify({ steps: [{ op: "create", urn: urn("pulumi:pulumi:Stack", "s") }, { op: "create", urn: urn("kubernetes:core/v1:Service", "a") }] });
    expect(previewTypes(preview)).toEqual(["pulumi:pulumi:Stack", "kubernetes:core/v1:Service"]);
    expect(previewTypes("{}")).toEqual([]);
  });

  it("counts resources per service without the stack, its read of itself, providers and the namespace", () => {
    const types = [
      "pulumi:pulumi:Stack",
      "pulumi:pulumi:StackReference",
      "pulumi:providers:kubernetes",
      "switchyard:mesh:Namespace",
      "kubernetes:core/v1:Namespace",
      ...Array(2).fill(["switchyard:service:BlueGreenService", "kubernetes:core/v1:Service", "kubernetes:apps/v1:Deployment"]).flat(),
    ];
    expect(perService(types, 2)).toBe(3);
  });

  it("counts the changes of an up by operation and type, leaving out what stayed the same and what was only read", () => {
    const event = (op: string, type: string) => JSON.stringify({ resOutputsEvent: { metadata: { op, type } } });
    const events = [
      JSON.stringify({ preludeEvent: {} }),
      event("read", "pulumi:pulumi:StackReference"),
      event("same", "kubernetes:apps/v1:Deployment"),
      event("update", "kubernetes:networking.istio.io/v1:VirtualService"),
      JSON.stringify({ resourcePreEvent: { metadata: { op: "update", type: "kubernetes:networking.istio.io/v1:VirtualService" } } }),
      event("update", "kubernetes:networking.istio.io/v1:VirtualService"),
      "",
    ].join("\n");
    expect(changes(events)).toEqual({ "update VirtualService": 2 });
  });

  it("accepts a rollback only when it updates exactly one VirtualService per service", () => {
    expect(isExactRollback({ "update VirtualService": 2 }, 2)).toBe(true);
    expect(isExactRollback({ "update VirtualService": 1 }, 2)).toBe(false);
    expect(isExactRollback({ "update VirtualService": 2, "update Deployment": 1 }, 2)).toBe(false);
    expect(isExactRollback({}, 1)).toBe(false);
  });
});
