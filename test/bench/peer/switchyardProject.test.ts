import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../model/config/parse";
import { groupConfigJson, trafficConfigJson } from "../../../bench/peer/switchyardProject";

describe("trafficConfigJson", () => {
  it("sets every service's live color and canary (a number) in the format of pulumi config --json", () => {
    const config = JSON.parse(trafficConfigJson(2, { live: "green", canary: 25 }))["switchyard:services"];
    expect(config.secret).toBe(false);
    expect(Object.keys(config.objectValue)).toEqual(["svc-001", "svc-002"]);
    expect(config.objectValue["svc-002"]).toMatchObject({ live: "green", canary: 25, blue: { version: "1.0.0" }, green: { version: "1.1.0" } });
    expect(JSON.parse(config.value)).toEqual(config.objectValue);
  });
});

describe("groupConfigJson", () => {
  it("makes the group the stack's one release group and sets every member's traffic in the same set-all", () => {
    const config = JSON.parse(groupConfigJson(2, { live: "blue", canary: 25 }, { name: "peer", services: ["svc-001", "svc-002"], lanes: true }));
    expect(Object.keys(config)).toEqual(["switchyard:services", "switchyard:groups"]);
    expect(config["switchyard:services"].objectValue["svc-001"]).toMatchObject({ live: "blue", canary: 25 });
    const groups = config["switchyard:groups"];
    expect(groups.secret).toBe(false);
    expect(groups.objectValue).toEqual({ peer: { services: ["svc-001", "svc-002"], lanes: true } });
    expect(JSON.parse(groups.value)).toEqual(groups.objectValue);
  });

  it("is a stack config the program accepts: one group with lanes, members agreeing, both colors deployed", () => {
    const config = JSON.parse(groupConfigJson(3, { live: "blue", canary: 25 }, { name: "peer", services: ["svc-001", "svc-002", "svc-003"], lanes: true }));
    const parsed = parseStackConfig({ namespace: "ns", services: config["switchyard:services"].objectValue, groups: config["switchyard:groups"].objectValue });
    expect(parsed.groups).toHaveLength(1);
    expect(parsed.groups[0]).toMatchObject({ name: "peer", services: ["svc-001", "svc-002", "svc-003"], lanes: true });
  });
});
