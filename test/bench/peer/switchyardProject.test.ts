import { describe, expect, it } from "vitest";
import { trafficConfigJson } from "../../../bench/peer/switchyardProject";

describe("trafficConfigJson", () => {
  it("sets every service's live color and canary (a number) in the format of pulumi config --json", () => {
    const config = JSON.parse(trafficConfigJson(2, { live: "green", canary: 25 }))["switchyard:services"];
    expect(config.secret).toBe(false);
    expect(Object.keys(config.objectValue)).toEqual(["svc-001", "svc-002"]);
    expect(config.objectValue["svc-002"]).toMatchObject({ live: "green", canary: 25, blue: { version: "1.0.0" }, green: { version: "1.1.0" } });
    expect(JSON.parse(config.value)).toEqual(config.objectValue);
  });
});
