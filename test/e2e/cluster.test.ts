import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploymentUids, getJson, kubectlIn, liveWeights, Watch } from "./helpers/cluster";
import { TestProject } from "./helpers/project";

/** Steps of a preview that change something, as "op type name". */
async function changes(project: TestProject): Promise<string[]> {
  return (await project.previewSteps())
    .filter((step) => step.op !== "same")
    .map((step) => `${step.op} ${step.type} ${step.urn.split("::").pop()}`);
}

const VIRTUAL_SERVICE_UPDATE = "update kubernetes:networking.istio.io/v1:VirtualService checkout-virtualservice";

/**
 * The rollout scenarios against a real API server (the tests' local KWOK
 * cluster, with Istio's CRDs) through the real pulumi CLI. One stack goes
 * through them in order, as an operator's would.
 */
describe("rollouts on the local cluster", () => {
  let project: TestProject;
  let ns: string;
  beforeAll(async () => {
    project = new TestProject("cluster");
    ns = project.namespace;
    await project.pulumi(["config", "rm", "--path", "switchyard:services.checkout.green"]);
    project.configSet("services.checkout.progressDeadlineSeconds", 15);
  });
  afterAll(() => project?.remove());

  it("1. first deploy: blue only, every object exists, pods Ready, weights 100/0", async () => {
    await project.up();
    const blue = getJson(ns, "deployment", "checkout-blue");
    expect(blue.status.readyReplicas).toBe(2);
    expect(blue.spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("1.4.2");
    expect(getJson(ns, "configmaps", "-l", "app.kubernetes.io/name=checkout,switchyard.dev/color=blue").items).toHaveLength(1);
    expect(getJson(ns, "service", "checkout").spec.selector).toEqual({ "app.kubernetes.io/name": "checkout" });
    expect(getJson(ns, "destinationrule", "checkout").spec.subsets.map((s: any) => s.name)).toEqual(["blue"]);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100 });
    expect((await project.stackOutput("services")).checkout.weights).toEqual({ blue: 100, green: 0 });
    expect(getJson(ns, "pods", "-l", "app.kubernetes.io/name=checkout").items.every((pod: any) =>
      pod.status.conditions.some((c: any) => c.type === "Ready" && c.status === "True"),
    )).toBe(true);
  });

  it("2. a new version goes to green: green rolls out, traffic stays on blue, and the preview shows only green's changes", async () => {
    project.configSet("services.checkout.green.version", "1.5.0");
    project.configSet("services.checkout.green.env.FEATURE_NEW_CART", "true");
    project.configSet("services.checkout.green.schema", ">=13 <15");
    const steps = await changes(project);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(step).toMatch(/^create .*checkout-green|^update .*(VirtualService checkout-virtualservice|DestinationRule checkout-destinationrule)$/);
    }
    expect(steps).toContain("create kubernetes:apps/v1:Deployment checkout-green");
    await project.up();
    expect(getJson(ns, "deployment", "checkout-green").status.readyReplicas).toBe(2);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
  });

  it("3. canary 5 then 50 changes only the VirtualService", async () => {
    for (const [canary, weights] of [[5, { blue: 95, green: 5 }], [50, { blue: 50, green: 50 }]] as const) {
      project.configSet("services.checkout.canary", canary);
      expect((await changes(project))).toEqual([VIRTUAL_SERVICE_UPDATE]);
      await project.up();
      expect(liveWeights(ns, "checkout")).toEqual(weights);
      expect(kubectlIn(ns, "get", "virtualservice", "checkout", "-o", "jsonpath={.spec.http[2].route[*].weight}")).toBe(
        `${weights.blue} ${weights.green}`,
      );
    }
  });

  it("4. promote, then roll back: no Deployment replaced, the rollback touches only the VirtualService", async () => {
    const uids = deploymentUids(ns);
    project.configSet("services.checkout.live", "green");
    project.configSet("services.checkout.canary", 0);
    await project.up();
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);

    project.configSet("services.checkout.live", "blue");
    expect((await changes(project))).toEqual([VIRTUAL_SERVICE_UPDATE]);
    await project.up();
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
    expect(deploymentUids(ns)).toEqual(uids);
  });

  it("11. schema gate: a rollback onto a color that cannot read the schema is refused at preview, and nothing changes", async () => {
    project.configSet("services.checkout.live", "green");
    await project.up();
    const before = getJson(ns, "deployments,virtualservices").items.map((item: any) => item.metadata.resourceVersion);
    project.configSet("services.checkout.database.schemaVersion", 14);
    project.configSet("services.checkout.live", "blue");
    const result = await project.pulumi(["preview"], { allowFailure: true });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(
      'services.checkout.live: got "blue"; allowed: a setting that sends no traffic to blue: blue runs 1.4.2 with schema ">=12 <14", which cannot run on database schema version 14',
    );
    expect((await project.pulumi(["up", "--yes", "--skip-preview"], { allowFailure: true })).status).not.toBe(0);
    const after = getJson(ns, "deployments,virtualservices").items.map((item: any) => item.metadata.resourceVersion);
    expect(after).toEqual(before);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
    project.configSet("services.checkout.database.schemaVersion", 13);
    project.configSet("services.checkout.live", "blue");
    await project.up();
  });

  it("7. drift: kubectl edits of weights or replicas are reported by preview --refresh and repaired by up --refresh", async () => {
    const weighted = (blue: number, green: number) =>
      JSON.stringify([{ op: "replace", path: "/spec/http/2/route/0/weight", value: blue }, { op: "replace", path: "/spec/http/2/route/1/weight", value: green }]);
    kubectlIn(ns, "patch", "virtualservice", "checkout", "--type", "json", "-p", weighted(20, 80));
    kubectlIn(ns, "scale", "deployment", "checkout-blue", "--replicas", "1");
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 20, green: 80 });

    const drifted = await project.pulumi(["preview", "--refresh", "--expect-no-changes"], { allowFailure: true });
    expect(drifted.status).not.toBe(0);
    expect(drifted.stdout).toMatch(/VirtualService +checkout-virtualservice +update/);
    expect(drifted.stdout).toMatch(/Deployment +checkout-blue +update/);

    await project.pulumi(["up", "--refresh", "--yes", "--skip-preview"]);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
    expect(getJson(ns, "deployment", "checkout-blue").spec.replicas).toBe(2);
    expect((await project.pulumi(["preview", "--refresh", "--expect-no-changes"])).status).toBe(0);
  });

  it("5. a failed rollout fails the up, leaves 100% on blue, and fixing the config then succeeds", async () => {
    project.configSet("services.checkout.green.version", "1.6.0-never-ready");
    project.configSet("services.checkout.canary", 50);
    // Fails once green's rollout has had 2 x 15 s of progress deadline (plus 30 s): long enough to run without blocking the worker.
    const failed = await project.pulumiAsync(["up", "--yes", "--skip-preview"]).done;
    expect(failed.status).not.toBe(0);
    expect(failed.stdout + failed.stderr).toMatch(/checkout-green[\s\S]*(progress deadline|ProgressDeadlineExceeded|Minimum number of live Pods was not attained)/i);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
    expect(getJson(ns, "deployment", "checkout-blue").status.readyReplicas).toBe(2);

    project.configSet("services.checkout.green.version", "1.6.0");
    await project.up();
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 50, green: 50 });
    project.configSet("services.checkout.canary", 0);
    await project.up();
  });

  it("6. revision history: old ReplicaSets beyond revisionHistoryLimit are pruned, and rollout undo works on the ones kept", async () => {
    project.configSet("services.checkout.revisionHistoryLimit", 2);
    for (const version of ["1.6.1", "1.6.2", "1.6.3", "1.6.4"]) {
      project.configSet("services.checkout.green.version", version);
      await project.up();
    }
    const replicaSets = () =>
      getJson(ns, "replicasets", "-l", "app.kubernetes.io/name=checkout,switchyard.dev/color=green").items as any[];
    expect(replicaSets().filter((rs) => rs.spec.replicas === 0)).toHaveLength(2);
    expect(replicaSets()).toHaveLength(3);

    const history = kubectlIn(ns, "rollout", "history", "deployment/checkout-green");
    expect(history).toContain("checkout 1.6.3");
    const revisionOf163 = history.split("\n").find((line) => line.includes("checkout 1.6.3"))!.trim().split(/\s+/)[0]!;
    kubectlIn(ns, "rollout", "undo", "deployment/checkout-green", `--to-revision=${revisionOf163}`);
    kubectlIn(ns, "rollout", "status", "deployment/checkout-green", "--timeout=60s");
    expect(getJson(ns, "deployment", "checkout-green").spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("1.6.3");

    await project.pulumi(["up", "--refresh", "--yes", "--skip-preview"]);
    expect(getJson(ns, "deployment", "checkout-green").spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("1.6.4");
    project.configSet("services.checkout.revisionHistoryLimit", 5);
    await project.up();
  });

  it("10. scale-down safety: moving traffic off a color and shrinking it in one change never routes to a color short of ready pods", async () => {
    project.configSet("services.checkout.idleReplicas", 1);
    await project.up();
    expect(getJson(ns, "deployment", "checkout-green").spec.replicas).toBe(1);

    // Each line starts with the object's resourceVersion: etcd orders every write, so the two watches merge in the order the API server saw them.
    const deployments = new Watch(ns, "deployments", '{.metadata.resourceVersion} {.metadata.name} {.status.readyReplicas}{"\\n"}');
    const routes = new Watch(
      ns,
      "virtualservice/checkout",
      '{.metadata.resourceVersion} {.spec.http[2].route[0].weight} {.spec.http[2].route[1].weight}{"\\n"}',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    project.configSet("services.checkout.live", "green");
    await project.up();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    deployments.stop();
    routes.stop();

    const versioned = (kind: "deployment" | "route") => (line: { text: string }) => {
      const [version, ...rest] = line.text.split(" ");
      return { version: Number(version), kind, text: rest.join(" ") };
    };
    const events = [...deployments.lines.map(versioned("deployment")), ...routes.lines.map(versioned("route"))].sort(
      (a, b) => a.version - b.version,
    );
    const ready: Record<string, number> = {};
    let weights = { blue: 100, green: 0 };
    const violations: string[] = [];
    for (const event of events) {
      if (event.kind === "deployment") {
        const [name, count] = event.text.split(" ");
        ready[name!.replace("checkout-", "")] = Number(count ?? 0);
      } else {
        const [blue, green] = event.text.split(" ").map(Number);
        weights = { blue: blue!, green: green! };
      }
      for (const color of ["blue", "green"] as const) {
        if (weights[color] > 0 && ready[color] !== undefined && ready[color]! < 2) {
          violations.push(`${color} had ${weights[color]}% with ${ready[color]} ready pods`);
        }
      }
    }
    expect(events.filter((e) => e.kind === "route").map((e) => e.text)).toContain("0 100");
    expect(violations).toEqual([]);
    expect(getJson(ns, "deployment", "checkout-blue").status.readyReplicas).toBe(1);
    expect(getJson(ns, "deployment", "checkout-green").status.readyReplicas).toBe(2);
  });

  it("8. concurrent ups on one stack: one wins, the other fails fast on the lock, nothing is duplicated", async () => {
    project.configSet("services.checkout.canary", 5);
    const before = getJson(ns, "deployments,configmaps,services,virtualservices,destinationrules").items.length;
    const first = project.pulumiAsync(["up", "--yes", "--skip-preview"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = project.pulumiAsync(["up", "--yes", "--skip-preview"]);
    const results = await Promise.all([first.done, second.done]);
    const failures = results.filter((r) => r.status !== 0);
    expect(results.filter((r) => r.status === 0)).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.stdout + failures[0]!.stderr).toMatch(/locked/i);
    expect(getJson(ns, "deployments,configmaps,services,virtualservices,destinationrules").items.length).toBe(before);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 5, green: 95 });
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
  });

  it("9. an up killed mid-rollout: after the documented recovery the next up converges with nothing lost", async () => {
    project.configSet("services.checkout.canary", 0);
    project.configSet("services.checkout.blue.version", "1.4.3-never-ready");
    project.configSet("services.checkout.progressDeadlineSeconds", 600);
    const run = project.pulumiAsync(["up", "--yes", "--skip-preview"]);
    for (let waited = 0; waited < 60_000; waited += 250) {
      const blue = getJson(ns, "deployment", "checkout-blue");
      if (blue.spec.template.metadata.labels["app.kubernetes.io/version"] === "1.4.3-never-ready") break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    run.child.kill("SIGKILL");
    await run.done;

    // Recovery as docs/operations.md documents it: release the dead run's lock, then let refresh reconcile state with the cluster.
    await project.pulumi(["cancel", "--yes"], { allowFailure: true });
    await project.pulumi(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
    project.configSet("services.checkout.blue.version", "1.4.3");
    project.configSet("services.checkout.progressDeadlineSeconds", 15);
    await project.pulumi(["up", "--yes", "--skip-preview"]);

    expect(getJson(ns, "deployment", "checkout-blue").status.readyReplicas).toBe(1);
    expect(getJson(ns, "deployment", "checkout-green").status.readyReplicas).toBe(2);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
    expect((await project.pulumi(["preview", "--refresh", "--expect-no-changes"])).status).toBe(0);
    const deployments = getJson(ns, "deployments").items.map((d: any) => d.metadata.name).sort();
    expect(deployments).toEqual(["catalog-blue", "checkout-blue", "checkout-green"]);
  });

  it("secrets reach the cluster as a Secret the color's pods read, and stay out of the state in plain text", async () => {
    const value = "cluster-s3cret-4e1f";
    project.configSet("secrets.checkout.green.DB_PASSWORD", value, { secret: true });
    await project.up();
    const secrets = getJson(ns, "secrets", "-l", "app.kubernetes.io/name=checkout,switchyard.dev/color=green").items;
    expect(secrets).toHaveLength(1);
    expect(Buffer.from(secrets[0].data.DB_PASSWORD, "base64").toString()).toBe(value);
    const envFrom = getJson(ns, "deployment", "checkout-green").spec.template.spec.containers[0].envFrom;
    expect(envFrom).toContainEqual({ secretRef: { name: secrets[0].metadata.name } });
    expect((await project.stateText())).not.toContain(value);
    expect((await project.stateText())).not.toContain(Buffer.from(value).toString("base64"));
  });
});
