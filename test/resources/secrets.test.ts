import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { BlueGreenService } from "../../resources/blueGreenService";
import type { ConfigContext } from "../../model/config/context";
import { parseStackConfig } from "../../model/config/parse";
import { HIDDEN_SECRET } from "../../model/config/problems";
import { secretName } from "../../model/naming";
import { problemsIfAny, validRawConfig } from "../helpers/fixtures";
import { recordRegistrations, type Recorder } from "../helpers/mocks";

const STORED_ENCRYPTED: ConfigContext = { secretKeys: ["secrets"], renderMode: false };
/** A stack's Secret naming key, as index.ts passes it. */
const KEY = "5e".repeat(32);

function withSecrets(secrets: unknown): Record<string, any> {
  return { ...validRawConfig(), secrets };
}

const problems = (raw: Record<string, any>, context: ConfigContext) => problemsIfAny(() => parseStackConfig(raw, context));

describe("secret environment is bound to a color and stored encrypted", () => {
  it("gives the color's slot its secret environment", () => {
    const config = parseStackConfig(withSecrets({ checkout: { green: { DB_PASSWORD: "hunter2" } } }), STORED_ENCRYPTED);
    expect(config.services[0]!.slots.green!.secretEnv).toEqual({ DB_PASSWORD: "hunter2" });
    expect(config.services[0]!.slots.blue!.secretEnv).toEqual({});
  });

  it("refuses secrets that were not set with --secret, without echoing them", () => {
    const found = problems(withSecrets({ checkout: { blue: { DB_PASSWORD: "hunter2" } } }), { secretKeys: [], renderMode: false });
    expect(found).toEqual([{ key: "secrets", value: HIDDEN_SECRET, allowed: expect.stringContaining("pulumi config set --secret") }]);
    expect(JSON.stringify(found)).not.toContain("hunter2");
  });

  it("refuses secrets in render mode, where they would be written to files in plain text", () => {
    const found = problems(withSecrets({ checkout: { blue: { DB_PASSWORD: "hunter2" } } }), { secretKeys: ["secrets"], renderMode: true });
    expect(found).toEqual([{ key: "secrets", value: HIDDEN_SECRET, allowed: expect.stringContaining("kubernetes:renderYamlToDirectory") }]);
  });

  it("refuses secrets for a color that is not deployed", () => {
    const raw = withSecrets({ checkout: { green: { DB_PASSWORD: "x" } } });
    delete raw.services.checkout.green;
    expect(problems(raw, STORED_ENCRYPTED)).toContainEqual(expect.objectContaining({ key: "secrets.checkout.green", value: HIDDEN_SECRET }));
  });

  it("hides the value when a secret has the wrong shape", () => {
    const found = problems(withSecrets({ checkout: { blue: { DB_PASSWORD: 1234 } } }), STORED_ENCRYPTED);
    expect(found).toEqual([expect.objectContaining({ key: "secrets.checkout.blue.DB_PASSWORD", value: HIDDEN_SECRET })]);
  });
});

describe("a color with secrets gets an immutable Secret its pods read", () => {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = recordRegistrations();
  });

  it("registers the Secret with secret data and references it from the green pods only", async () => {
    const config = parseStackConfig(withSecrets({ checkout: { green: { DB_PASSWORD: "hunter2" } } }), STORED_ENCRYPTED);
    const component = new BlueGreenService("checkout", { service: config.services[0]!, namespace: "shop", secretNameKey: KEY });
    await recorder.settle();

    const secret = component.releases.green!.secret!;
    expect(await pulumi.isSecret(secret.stringData)).toBe(true);
    const [registered] = recorder.ofType("kubernetes:core/v1:Secret");
    expect(registered!.inputs.metadata.name).toBe(secretName("checkout", "green", { DB_PASSWORD: "hunter2" }, KEY));
    expect(registered!.name).toBe(registered!.inputs.metadata.name);
    expect(registered!.inputs.immutable).toBe(true);
    const greenEnvFrom = recorder.byName("kubernetes:apps/v1:Deployment", "checkout-green").inputs.spec.template.spec.containers[0].envFrom;
    expect(greenEnvFrom).toContainEqual({ secretRef: { name: registered!.inputs.metadata.name } });
    const blueEnvFrom = recorder.byName("kubernetes:apps/v1:Deployment", "checkout-blue").inputs.spec.template.spec.containers[0].envFrom;
    expect(blueEnvFrom.some((source: any) => source.secretRef)).toBe(false);
    expect(component.releases.blue!.secret).toBeUndefined();
  });
});
