import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { recordRegistrations, type Recorder } from "./helpers/mocks";
import { validRawConfig } from "./helpers/fixtures";
import { switchyardKeys } from "../model/config/context";
import { configMapName, contentHash, secretName } from "../model/naming";

/** Stack config as the engine hands it to a program: namespaced keys, values as text. */
function stackConfig(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [`switchyard:${key}`, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

/** What the stack's previous update left in its outputs, as the engine answers the program's reference to its own stack. */
interface Previous {
  readonly outputs: Record<string, unknown>;
  readonly secretOutputNames?: readonly string[];
}

interface RunOptions {
  readonly previous?: Previous;
  /** Top-level `switchyard:` keys set with --secret. */
  readonly secretKeys?: readonly string[];
}

let recorder: Recorder;
beforeEach(() => {
  vi.resetModules();
  recorder = recordRegistrations();
});

async function runProgram(raw: Record<string, unknown>, options: RunOptions = {}): Promise<Record<string, any>> {
  if (options.previous !== undefined) {
    const previous = options.previous;
    recorder = recordRegistrations({
      outputs: (type) =>
        type === "pulumi:pulumi:StackReference" ? { outputs: previous.outputs, secretOutputNames: previous.secretOutputNames ?? [] } : {},
    });
  }
  pulumi.runtime.setAllConfig(stackConfig(raw), (options.secretKeys ?? []).map((key) => `switchyard:${key}`));
  const program = await import("../index");
  const outputs = await program.default();
  await recorder.settle();
  return outputs;
}

const resolved = (value: any): Promise<any> => new Promise((resolve) => pulumi.output(value).apply(resolve));

const KEY = "ab".repeat(32);

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
    const outputs = await runProgram(validRawConfig());
    expect(await resolved(outputs.services)).toMatchObject({ checkout: { live: "blue", weights: { blue: 100, green: 0 } } });
  });

  it.each([
    ["canary", (raw: any) => (raw.services.checkout.canary = 150), "services.checkout.canary: got 150; allowed: an integer from 0 to 100"],
    ["version", (raw: any) => (raw.services.checkout.blue.version = "1.2"), 'services.checkout.blue.version: got "1.2"'],
    ["build metadata", (raw: any) => (raw.services.checkout.green.version = "1.5.0+build.7"), "'+' cannot go into an image tag"],
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

  it("refuses a secure: value under services (it would land in a ConfigMap), seen through the engine's secret keys", async () => {
    const raw = validRawConfig();
    raw.services.checkout.green.env.DB_PASSWORD = "hunter2";
    const failure = runProgram(raw, { secretKeys: ["services"] });
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
    await expect(failure).rejects.toThrow(/services: got \[secret\]; allowed: plain values only.*secrets/);
    await expect(failure).rejects.not.toThrow("hunter2");
    expect(recorder.registrations).toEqual([]);
  });
});

describe("the namespace is never deleted by a config change (item 7)", () => {
  it("is registered with retainOnDelete, so turning manageNamespace off (or any delete) leaves it and its workloads", async () => {
    await runProgram(validRawConfig());
    expect(recorder.byName("kubernetes:core/v1:Namespace", "shop-namespace").retainOnDelete).toBe(true);
  });

  it("records the namespace in an output and refuses a rename against the previous update's", async () => {
    const outputs = await runProgram(validRawConfig());
    expect(outputs.namespace).toBe("shop");

    vi.resetModules();
    const raw = { ...validRawConfig(), namespace: "shop2" };
    const failure = runProgram(raw, { previous: { outputs: { namespace: "shop" } } });
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
    await expect(failure).rejects.toThrow(/namespace: got "shop2"; allowed: "shop", the namespace this stack already runs in/);
    expect(recorder.registrations).toEqual([]);
  });

  it("accepts the same namespace as before", async () => {
    await runProgram(validRawConfig(), { previous: { outputs: { namespace: "shop" } } });
    expect(recorder.ofType("kubernetes:apps/v1:Deployment")).toHaveLength(2);
  });
});

describe("ConfigMaps and Secrets of kept revisions survive an env change (item 8)", () => {
  const envA = { FEATURE_NEW_CART: "true" };
  const envB = { FEATURE_NEW_CART: "false", LOG_LEVEL: "debug" };

  it("keeps the previous update's contents as ConfigMaps, the current first, and records them for the next update", async () => {
    const raw = validRawConfig();
    raw.services.checkout.green.env = envB;
    const outputs = await runProgram(raw, {
      previous: { outputs: { namespace: "shop", releaseHistory: { checkout: { green: [envA] } } } },
    });
    const green = recorder.ofType("kubernetes:core/v1:ConfigMap").filter((r) => r.inputs.metadata.name.startsWith("checkout-green-"));
    expect(green.map((r) => `${r.name} ${r.inputs.metadata.name} ${JSON.stringify(r.inputs.data)}`).sort()).toEqual(
      [
        `checkout-green-config-${contentHash(envA)} ${configMapName("checkout", "green", envA)} ${JSON.stringify(envA)}`,
        `checkout-green-config-${contentHash(envB)} ${configMapName("checkout", "green", envB)} ${JSON.stringify(envB)}`,
      ].sort(),
    );
    const pods = recorder.byName("kubernetes:apps/v1:Deployment", "checkout-green").inputs.spec.template.spec.containers[0];
    expect(pods.envFrom).toEqual([{ configMapRef: { name: configMapName("checkout", "green", envB) } }]);
    expect(outputs.releaseHistory.checkout.green).toEqual([envB, envA]);
  });
});

describe("Secret names leak nothing (item 10)", () => {
  const withSecret = () => ({ ...validRawConfig(), secrets: { checkout: { green: { DB_PASSWORD: "hunter2" } } } });

  it("names the Secret with the stack's key from the previous update, kept in a secret output", async () => {
    const outputs = await runProgram(withSecret(), {
      previous: { outputs: { secretState: { nameKey: KEY, history: {} } }, secretOutputNames: ["secretState"] },
      secretKeys: ["secrets"],
    });
    const expected = secretName("checkout", "green", { DB_PASSWORD: "hunter2" }, KEY);
    const [secret] = recorder.ofType("kubernetes:core/v1:Secret");
    expect(secret!.inputs.metadata.name).toBe(expected);
    expect(secret!.name).toBe(expected);
    expect(await pulumi.isSecret(outputs.secretState)).toBe(true);
    expect(await resolved(outputs.secretState)).toEqual({ nameKey: KEY, history: { checkout: { blue: [{}], green: [{ DB_PASSWORD: "hunter2" }] } } });
  });

  it("makes a fresh random key when the stack has none, different for every stack", async () => {
    const first = (await resolved((await runProgram(withSecret(), { secretKeys: ["secrets"] })).secretState)) as { nameKey: string };
    vi.resetModules();
    recorder = recordRegistrations();
    const second = (await resolved((await runProgram(withSecret(), { secretKeys: ["secrets"] })).secretState)) as { nameKey: string };
    expect(first.nameKey).toMatch(/^[0-9a-f]{64}$/);
    expect(second.nameKey).toMatch(/^[0-9a-f]{64}$/);
    expect(first.nameKey).not.toBe(second.nameKey);
    const [secret] = recorder.ofType("kubernetes:core/v1:Secret");
    expect(secret!.inputs.metadata.name).toBe(secretName("checkout", "green", { DB_PASSWORD: "hunter2" }, second.nameKey));
    expect(secret!.inputs.metadata.name).not.toContain(contentHash({ DB_PASSWORD: "hunter2" }));
  });
});
