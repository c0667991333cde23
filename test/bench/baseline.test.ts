import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { recordRegistrations, type Recorder, type Registration } from "../helpers/mocks";
import { stackConfig, type Color } from "../../bench/stacks";

/**
 * The baseline is only a fair yardstick if it declares what switchyard
 * declares: the same Kubernetes objects with the same inputs, in the same
 * order (each object waits for the same others).
 */

interface Declared {
  readonly inputs: Record<string, any>;
  /** Kubernetes objects this one waits for, directly or through the components it sits in. */
  readonly waitsFor: readonly string[];
}

const isKubernetes = (registration: Registration) => registration.type.startsWith("kubernetes:");
const key = (registration: Registration) => `${registration.type} ${registration.name}`;

/** Kubernetes objects by type and name, with the Kubernetes objects each one waits for. */
function declared(recorder: Recorder): Map<string, Declared> {
  const byUrn = new Map(recorder.registrations.map((registration) => [registration.urn, registration]));
  const objectsUnder = (urn: string): string[] => {
    const registration = byUrn.get(urn);
    if (registration === undefined) return [];
    if (isKubernetes(registration)) return [key(registration)];
    return recorder.registrations.filter((child) => child.parent === urn).flatMap((child) => objectsUnder(child.urn));
  };
  const waitsFor = (registration: Registration): string[] => {
    const parent = byUrn.get(registration.parent);
    return [...registration.dependencies.flatMap(objectsUnder), ...(parent === undefined ? [] : waitsFor(parent))];
  };
  return new Map(
    recorder.registrations
      .filter(isKubernetes)
      .map((registration) => [key(registration), { inputs: registration.inputs, waitsFor: [...new Set(waitsFor(registration))].sort() }]),
  );
}

/** Runs a program under mocks with the benchmark's stack config and records what it declares. */
async function run(program: string, live: Color, mutate: (config: Record<string, any>) => void): Promise<Map<string, Declared>> {
  vi.resetModules();
  const recorder = recordRegistrations();
  const config = stackConfig("switchyard", { services: 3, live, namespace: "bench", kubeconfig: "kubeconfig.yaml" });
  mutate(config);
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([name, value]) => [name, typeof value === "string" ? value : JSON.stringify(value)])),
  );
  const module = await import(program);
  // switchyard's program is an async function (it reads its own stack's outputs first); the baseline runs on import.
  if (typeof module.default === "function") await module.default();
  await recorder.settle();
  return declared(recorder);
}

describe("the benchmark's baseline program", () => {
  beforeEach(() => vi.resetModules());

  it.each([
    ["blue live", "blue" as Color, () => {}],
    ["green live with a canary", "green" as Color, (config: Record<string, any>) => (config["switchyard:services"]["svc-002"].canary = 25)],
  ])("declares the same Kubernetes objects as switchyard (%s)", async (_case, live, mutate) => {
    const switchyard = await run("../../index", live, mutate);
    const baseline = await run("../../bench/baseline/index", live, mutate);
    expect([...baseline.keys()].sort()).toEqual([...switchyard.keys()].sort());
    expect(switchyard.size).toBe(1 + 3 * 9);
    for (const [name, object] of switchyard) {
      expect({ name, ...baseline.get(name) }).toEqual({ name, ...object });
    }
  });
});
