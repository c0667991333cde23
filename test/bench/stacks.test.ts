import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../model/config/parse";
import { benchServices, liveColorArgs, serviceName, stackConfig } from "../../bench/stacks";

describe("benchmark stacks", () => {
  it("names services in sorted order", () => {
    expect([0, 9, 199].map(serviceName)).toEqual(["svc-001", "svc-010", "svc-200"]);
  });

  it("generates a stack switchyard accepts, with both colors, two replicas and the requested live color", () => {
    const config = stackConfig("switchyard", { services: 12, live: "green", namespace: "bench", kubeconfig: "/k.yaml" });
    expect(config["kubernetes:kubeconfig"]).toBe("/k.yaml");
    const parsed = parseStackConfig({ namespace: config["switchyard:namespace"], services: config["switchyard:services"] });
    expect(parsed.services).toHaveLength(12);
    for (const service of parsed.services) {
      expect(service).toMatchObject({ live: "green", canary: 0, replicas: 2 });
      expect(Object.keys(service.slots).sort()).toEqual(["blue", "green"]);
    }
  });

  it("writes the same services under the baseline's config namespace", () => {
    const config = stackConfig("baseline", { services: 2, live: "blue", namespace: "bench", kubeconfig: "/k.yaml" });
    expect(config["baseline:namespace"]).toBe("bench");
    expect(config["baseline:services"]).toEqual(benchServices(2, "blue"));
  });

  it("switches every service's live color in one config set-all", () => {
    expect(liveColorArgs("switchyard", 2, "green")).toEqual([
      "config",
      "set-all",
      "--path",
      "--plaintext",
      "switchyard:services.svc-001.live=green",
      "--plaintext",
      "switchyard:services.svc-002.live=green",
    ]);
  });
});
