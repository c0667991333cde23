import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { recordRegistrations, type Recorder } from "./helpers/mocks";
import { validRawConfig } from "./helpers/fixtures";
import { switchyardKeys } from "../model/config/context";

/** Stack config as the engine hands it to a program: namespaced keys, values as text. */
function stackConfig(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [`switchyard:${key}`, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

let recorder: Recorder;
beforeEach(() => {
  vi.resetModules();
  recorder = recordRegistrations();
});

async function runProgram(raw: Record<string, unknown>): Promise<Record<string, any>> {
  pulumi.runtime.setAllConfig(stackConfig(raw));
  const program = await import("../index");
  await recorder.settle();
  return program;
}

describe("the program", () => {
  it("decodes the switchyard keys of the stack config and ignores other namespaces", () => {
    expect(switchyardKeys({ "switchyard:namespace": "shop", "switchyard:services": '{"a":{"canary":5}}', "kubernetes:context": "kind" })).toEqual({
      namespace: "shop",
      services: { a: { canary: 5 } },
    });
  });

  it("creates the namespace labelled for sidecar injection and one BlueGreenService per service", async () => {
    const raw = validRawConfig();
    raw.services.catalog = { image: "registry.example.com/shop/catalog", blue: { version: "2.0.1" }, live: "blue" };
    await runProgram(raw);
    const namespace = recorder.byName("kubernetes:core/v1:Namespace", "shop-namespace");
    expect(namespace.inputs.metadata).toMatchObject({ name: "shop", labels: { "istio-injection": "enabled" } });
    expect(recorder.ofType("switchyard:service:BlueGreenService").map((r) => r.name)).toEqual(["checkout", "catalog"]);
    const deployment = recorder.byName("kubernetes:apps/v1:Deployment", "catalog-blue");
    expect(deployment.dependencies).toContain(namespace.urn);
  });

  it("leaves the namespace alone when manageNamespace is false", async () => {
    await runProgram({ ...validRawConfig(), manageNamespace: false });
    expect(recorder.ofType("kubernetes:core/v1:Namespace")).toEqual([]);
    expect(recorder.byName("kubernetes:apps/v1:Deployment", "checkout-blue").inputs.metadata.namespace).toBe("shop");
  });

  it("exports the services status", async () => {
    const program = await runProgram(validRawConfig());
    const services = await new Promise((resolve) => pulumi.output(program.services).apply(resolve));
    expect(services).toMatchObject({ checkout: { live: "blue", weights: { blue: 100, green: 0 } } });
  });

  it.each([
    ["canary", (raw: any) => (raw.services.checkout.canary = 150), "services.checkout.canary: got 150; allowed: an integer from 0 to 100"],
    ["version", (raw: any) => (raw.services.checkout.blue.version = "1.2"), 'services.checkout.blue.version: got "1.2"'],
    ["tag", (raw: any) => (raw.services.checkout.green.tag = "latest"), 'services.checkout.green.tag: got "latest"'],
    ["unknown key", (raw: any) => (raw.servcies = {}), 'servcies: got {}; allowed: no such setting, did you mean services?'],
    ["schema gate", (raw: any) => Object.assign(raw.services.checkout, { database: { schemaVersion: 14 } }), "services.checkout.live: got \"blue\""],
  ])("bad config (%s) stops the program with a RunError before registering anything", async (_, mutate, message) => {
    const raw = validRawConfig();
    mutate(raw);
    const failure = runProgram(raw);
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
    await expect(failure).rejects.toThrow(message);
    await recorder.settle();
    expect(recorder.registrations).toEqual([]);
  });
});
