import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectl, TEST_CLUSTER } from "../../dev/lib/cluster";
import { contentHash } from "../../model/naming";
import { deploymentUids, getJson, kubectlIn } from "./helpers/cluster";
import { TestProject } from "./helpers/project";

/**
 * The program's guarantees across updates (issue 15, items 7-10), through
 * the real pulumi CLI and file backend against the tests' KWOK cluster.
 * KWOK marks pods Ready without looking at their env sources, so readiness
 * proves nothing here: the tests check that every object a kept ReplicaSet
 * references exists.
 */

const GREEN = "app.kubernetes.io/name=checkout,switchyard.dev/color=green";
const SECRET = "e2e-Pa55word-91c3";

/** Every ConfigMap and Secret a kept ReplicaSet of green references that does not exist, as "rs -> Kind name". */
function missingReferences(ns: string): string[] {
  const configMaps = new Set(getJson(ns, "configmaps").items.map((item: any) => item.metadata.name));
  const secrets = new Set(getJson(ns, "secrets").items.map((item: any) => item.metadata.name));
  const missing: string[] = [];
  for (const replicaSet of getJson(ns, "replicasets", "-l", GREEN).items) {
    for (const container of replicaSet.spec.template.spec.containers) {
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef && !configMaps.has(source.configMapRef.name)) missing.push(`${replicaSet.metadata.name} -> ConfigMap ${source.configMapRef.name}`);
        if (source.secretRef && !secrets.has(source.secretRef.name)) missing.push(`${replicaSet.metadata.name} -> Secret ${source.secretRef.name}`);
      }
    }
  }
  return missing;
}

/** Names of green's ConfigMaps (or Secrets) and of those its kept ReplicaSets reference. */
function greenObjects(ns: string, kind: "configmaps" | "secrets"): { existing: string[]; referenced: string[] } {
  const ref = kind === "configmaps" ? "configMapRef" : "secretRef";
  const referenced = new Set<string>();
  for (const replicaSet of getJson(ns, "replicasets", "-l", GREEN).items) {
    for (const source of replicaSet.spec.template.spec.containers[0].envFrom ?? []) if (source[ref]) referenced.add(source[ref].name);
  }
  const existing = getJson(ns, kind, "-l", GREEN).items.map((item: any) => item.metadata.name);
  return { existing: [...existing].sort(), referenced: [...referenced].sort() };
}

/** The Deployment controller prunes old ReplicaSets just after a rollout; give it a moment. */
async function eventually(check: () => void, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const namespaceExists = (name: string) => kubectl(TEST_CLUSTER, ["get", "namespace", name], { allowFailure: true }).ok;

describe("the program across updates on the local cluster", () => {
  let project: TestProject;
  let ns: string;
  beforeAll(async () => {
    project = new TestProject("cluster");
    ns = project.namespace;
    project.configSet("services.checkout.revisionHistoryLimit", 2);
    await project.up();
  });
  afterAll(async () => {
    await project?.remove();
    // The namespace outlives the stack by design (retainOnDelete); the test cleans up after itself.
    kubectl(TEST_CLUSTER, ["delete", "namespace", ns, "--wait=false"], { allowFailure: true });
  });

  it("item 8: every revision revisionHistoryLimit keeps can start after env and secret changes, and nothing older piles up", async () => {
    const steps: [version: string, flag: string, password?: string][] = [
      ["1.5.1", "v1"],
      ["1.5.2", "v2", `${SECRET}-a`],
      ["1.5.3", "v3", `${SECRET}-b`],
      ["1.5.4", "v4", `${SECRET}-c`],
      ["1.5.5", "v5", `${SECRET}-d`],
    ];
    for (const [version, flag, password] of steps) {
      project.configSet("services.checkout.green.version", version);
      project.configSet("services.checkout.green.env.FEATURE_NEW_CART", flag);
      if (password !== undefined) project.configSet("secrets.checkout.green.DB_PASSWORD", password, { secret: true });
      await project.up();
      expect(missingReferences(ns), `after ${version}`).toEqual([]);
    }
    // revisionHistoryLimit 2: the current revision and two old ones, each with its own env and Secret.
    await eventually(() => {
      const configMaps = greenObjects(ns, "configmaps");
      expect(configMaps.referenced).toHaveLength(3);
      expect(configMaps.existing).toEqual(configMaps.referenced);
      const secrets = greenObjects(ns, "secrets");
      expect(secrets.referenced).toHaveLength(3);
      expect(secrets.existing).toEqual(secrets.referenced);
    });
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);

    // Undo to the oldest kept revision: its pods reference the ConfigMap and Secret of 1.5.3.
    const history = kubectlIn(ns, "rollout", "history", "deployment/checkout-green");
    const revision = history.split("\n").find((line) => line.includes("checkout 1.5.3"))!.trim().split(/\s+/)[0]!;
    kubectlIn(ns, "rollout", "undo", "deployment/checkout-green", `--to-revision=${revision}`);
    kubectlIn(ns, "rollout", "status", "deployment/checkout-green", "--timeout=60s");
    const undone = getJson(ns, "deployment", "checkout-green").spec.template.spec.containers[0];
    const configMap = getJson(ns, "configmap", undone.envFrom[0].configMapRef.name);
    expect(configMap.data.FEATURE_NEW_CART).toBe("v3");
    const secret = getJson(ns, "secret", undone.envFrom[1].secretRef.name);
    expect(Buffer.from(secret.data.DB_PASSWORD, "base64").toString()).toBe(`${SECRET}-b`);
    expect(missingReferences(ns)).toEqual([]);

    await project.pulumi(["up", "--refresh", "--yes", "--skip-preview"]);
    expect(getJson(ns, "deployment", "checkout-green").spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("1.5.5");
    expect(missingReferences(ns)).toEqual([]);
  });

  it("item 10: the Secret's name is keyed by a stack secret, stable across updates, and the key stays encrypted", async () => {
    const secrets = getJson(ns, "secrets", "-l", GREEN).items.map((item: any) => item.metadata.name);
    const current = getJson(ns, "deployment", "checkout-green").spec.template.spec.containers[0].envFrom[1].secretRef.name;
    expect(current).toMatch(/^checkout-green-secret-[0-9a-f]{10}$/);
    expect(current).not.toBe(`checkout-green-secret-${contentHash({ DB_PASSWORD: `${SECRET}-d` })}`);
    expect(secrets).toContain(current);

    const state = JSON.parse((await project.pulumi(["stack", "output", "secretState", "--show-secrets", "--json"])).stdout);
    expect(state.nameKey).toMatch(/^[0-9a-f]{64}$/);
    const stateText = await project.stateText();
    expect(stateText).not.toContain(state.nameKey);
    expect(stateText).not.toContain(SECRET);
    expect((await project.stackOutput("secretState"))).toBe("[secret]");

    await project.up();
    expect(getJson(ns, "deployment", "checkout-green").spec.template.spec.containers[0].envFrom[1].secretRef.name).toBe(current);
  });

  it("item 9: a secure: value under services.<svc>.<color>.env is refused through the real CLI, pointing at secrets, before anything changes", async () => {
    const before = getJson(ns, "deployments,configmaps,secrets").items.map((item: any) => item.metadata.resourceVersion);
    project.configSet("services.checkout.green.env.API_TOKEN", "tok-77aa31", { secret: true });
    for (const command of [["preview"], ["up", "--yes", "--skip-preview"]]) {
      const result = await project.pulumi(command, { allowFailure: true });
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output).toContain("services: got [secret]; allowed: plain values only");
      expect(output).toContain("secrets.<service>.<color>.<NAME>");
      expect(output).not.toContain("tok-77aa31");
    }
    expect(getJson(ns, "deployments,configmaps,secrets").items.map((item: any) => item.metadata.resourceVersion)).toEqual(before);
    await project.pulumi(["config", "rm", "--path", "switchyard:services.checkout.green.env.API_TOKEN"]);
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
  });

  it("item 7: renaming switchyard:namespace is refused, naming both keys, and nothing changes", async () => {
    const uids = deploymentUids(ns);
    project.configSet("namespace", `${ns}-moved`);
    const result = await project.pulumi(["preview"], { allowFailure: true });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(`namespace: got "${ns}-moved"; allowed: "${ns}", the namespace this stack already runs in`);
    expect(result.stdout + result.stderr).toMatch(/switchyard:namespace[\s\S]*switchyard:manageNamespace/);
    expect((await project.pulumi(["up", "--yes", "--skip-preview"], { allowFailure: true })).status).not.toBe(0);
    expect(namespaceExists(`${ns}-moved`)).toBe(false);
    expect(deploymentUids(ns)).toEqual(uids);
    project.configSet("namespace", ns);
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
  });

  it("item 7: turning manageNamespace off leaves the namespace and every Deployment in it running", async () => {
    const uids = deploymentUids(ns);
    expect(Object.keys(uids).sort()).toEqual(["catalog-blue", "checkout-blue", "checkout-green"]);
    project.configSet("manageNamespace", "false");
    await project.up();
    // The Namespace controller empties a deleted namespace in the background: give it time to show.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(namespaceExists(ns)).toBe(true);
    expect(kubectl(TEST_CLUSTER, ["get", "namespace", ns, "-o", "jsonpath={.status.phase}"]).stdout).toBe("Active");
    expect(deploymentUids(ns)).toEqual(uids);
    for (const name of Object.keys(uids)) expect(getJson(ns, "deployment", name).status.readyReplicas).toBeGreaterThan(0);
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
  });
});
