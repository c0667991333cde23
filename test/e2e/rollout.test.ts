import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getJson, liveWeights, Watch } from "./helpers/cluster";
import { MetricsSource } from "./helpers/metricsSource";
import { freePort, PrometheusServer, useAnalysis } from "./helpers/prometheus";
import { TestProject } from "./helpers/project";

/**
 * The switchyard command on the local cluster with the real CLI, judging
 * canaries with a real Prometheus that scrapes Istio-style request counters
 * whose error rates the test sets.
 */
describe("the switchyard command: progressive rollouts gated on Prometheus", () => {
  let project: TestProject;
  let metrics: MetricsSource;
  let prometheus: PrometheusServer;
  let ns: string;
  const INTERVAL = "12s";

  const traffic = (workload: string, version: string, requestsPerSecond: number, errorRate: number) =>
    metrics.set(workload, { namespace: ns, version, requestsPerSecond, errorRate });
  const json = (stdout: string) => JSON.parse(stdout);

  beforeAll(async () => {
    metrics = await MetricsSource.start();
    prometheus = await PrometheusServer.start([metrics.target]);
    project = new TestProject("cluster");
    ns = project.namespace;
    useAnalysis(project, prometheus);
    await project.up();
  });
  afterAll(async () => {
    await project?.remove();
    await prometheus?.stop();
    await metrics?.stop();
  });

  it("a healthy canary walks through every step and is promoted", async () => {
    traffic("checkout-green", "1.5.0", 20, 0);
    const result = await project.switchyard(["rollout", "checkout", "--steps", "5,50,100", "--interval", INTERVAL, "--yes", "--json"]);
    expect(result.stderr).toContain("every step passed: promoting");
    expect(result.status).toBe(0);
    const outcome = json(result.stdout);
    expect(outcome.kind).toBe("promoted");
    expect(outcome.steps.map((step: any) => [step.canary, step.verdict.kind])).toEqual([[5, "pass"], [50, "pass"], [100, "pass"]]);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
    expect((await project.stackOutput("services")).checkout).toMatchObject({ live: "green", canary: 0 });
  });

  it("a canary with 2% errors is rolled back to 0 automatically after one interval", async () => {
    const deploy = await project.switchyard(["deploy", "checkout", "1.6.0", "--schema", ">=13 <15", "--yes"]);
    expect(deploy.status, deploy.stderr).toBe(0);
    expect(deploy.stdout).toContain("checkout: traffic unchanged (blue 0, green 100)");
    expect(getJson(ns, "deployment", "checkout-blue").spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("1.6.0");
    traffic("checkout-blue", "1.6.0", 20, 0.02);

    // kubectl's watch prints only the first object for templates with range or filters: index the weighted route (after the two header routes).
    const route = (index: number) => `{.spec.http[2].route[${index}].destination.subset}={.spec.http[2].route[${index}].weight}`;
    const weights = new Watch(ns, "virtualservice/checkout", `${route(0)} ${route(1)}{"\\n"}`);
    const result = await project.switchyard(["rollout", "checkout", "--steps", "5,50", "--interval", INTERVAL, "--yes", "--json"]);
    weights.stop();
    expect(result.status, result.stderr).toBe(3);
    const outcome = json(result.stdout);
    expect(outcome).toMatchObject({ kind: "rolled-back", failedAt: 5 });
    expect(outcome.steps).toHaveLength(1);
    expect(outcome.reason).toMatch(/^error rate \d+\.\d\d% > 0\.50% over 10s \(\d+ requests\)$/);
    // The automatic rollback takes traffic off the failing canary on the API server first, then records it.
    expect(result.stderr).toMatch(/checkout: 100% green at \+\d+\.\d\d s \(VirtualService \S+\/checkout\); recorded as (update \d+|an update) at \+/);
    expect(Number(/error rate (\d+\.\d\d)%/.exec(outcome.reason)![1])).toBeGreaterThan(1);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
    // The 50% step was never reached: blue (the canary) only ever saw 0 or 5.
    const blueWeights = weights.lines.map((line) => Number(/blue=(\d+)/.exec(line.text)![1]));
    expect(blueWeights.length).toBeGreaterThan(0);
    expect(Math.max(...blueWeights)).toBe(5);
  });

  it("with too little traffic to judge, the rollout halts without promoting and says why", async () => {
    traffic("checkout-blue", "1.6.0", 0, 0);
    const result = await project.switchyard(["rollout", "checkout", "--steps", "5,100", "--interval", INTERVAL, "--yes", "--json"]);
    expect(result.status, result.stderr).toBe(4);
    const outcome = json(result.stdout);
    expect(outcome).toMatchObject({ kind: "halted", canary: 5 });
    expect(outcome.reason).toMatch(/^too little traffic to judge: \d+ requests over 10s, at least 20 needed/);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 5, green: 95 });
    expect((await project.stackOutput("services")).checkout.live).toBe("green");

    const rollback = await project.switchyard(["rollback", "checkout", "--yes"]);
    expect(rollback.status, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain("checkout: blue 5 -> 0, green 95 -> 100");
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
  });

  it("an unreachable Prometheus halts the rollout without promoting", async () => {
    project.configSet("analysis.prometheus", `http://127.0.0.1:${await freePort()}`);
    const result = await project.switchyard(["rollout", "checkout", "--steps", "5,100", "--interval", "1s", "--yes", "--json"]);
    project.configSet("analysis.prometheus", prometheus.url);
    expect(result.status, result.stderr).toBe(4);
    const outcome = json(result.stdout);
    expect(outcome.kind).toBe("halted");
    expect(outcome.reason).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
    expect((await project.stackOutput("services")).checkout).toMatchObject({ live: "green", canary: 5 });
    expect((await project.switchyard(["rollback", "checkout", "--yes"])).status).toBe(0);
  });

  it("a dry run previews the change and writes nothing; bad input is refused with the config key", async () => {
    const stackFile = project.file("Pulumi.dev.yaml");
    const before = fs.readFileSync(stackFile, "utf8");
    const dryRun = await project.switchyard(["canary", "checkout", "25", "--dry-run"]);
    expect(dryRun.status, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain("checkout: blue 0 -> 25, green 100 -> 75");
    expect(dryRun.stdout).toContain("update VirtualService checkout-virtualservice");
    expect(dryRun.stdout).toContain("dry run: nothing was changed");

    const refused = await project.switchyard(["canary", "catalog", "5", "--yes"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("services.catalog.canary: got 5; allowed: 0 while services.catalog.green is not defined");
    expect(fs.readFileSync(stackFile, "utf8")).toBe(before);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
  });

  it("status and history show what happened", async () => {
    const status = await project.switchyard(["status", "--json"]);
    expect(status.status, status.stderr).toBe(0);
    const checkout = json(status.stdout).services.find((service: any) => service.service === "checkout");
    expect(checkout).toMatchObject({
      live: "green",
      canary: 0,
      colors: {
        blue: { version: "1.6.0", weight: 0, pods: { ready: 2, desired: 2 } },
        green: { version: "1.5.0", weight: 100, pods: { ready: 2, desired: 2 } },
      },
    });

    const history = await project.switchyard(["history", "checkout"]);
    expect(history.status, history.stderr).toBe(0);
    // Each row: the change derived from the recorded config, then the message, which names who made the update.
    const messages = history.stdout.split("\n").flatMap((line) => /\(message: (.*) \(by [^)]+\)\)$/.exec(line)?.[1] ?? []);
    expect(history.stdout).toMatch(/canary 0 -> 5 \(message: checkout: canary 5% to green \(by [^)]+\)\)/);
    expect(messages).toEqual(
      expect.arrayContaining([
        "checkout: canary 5% to green",
        "checkout: promote green (1.5.0)",
        "checkout: deploy 1.6.0 to blue",
        "checkout: canary 5% to blue",
        "checkout: automatic rollback of the 5% canary on blue",
        "checkout: roll back the 5% canary on blue",
      ]),
    );
  });

  it("deploy carries the live color's secrets to the new version, encrypted in the stack file and never printed", async () => {
    const value = "rollout-s3cret-9b2d";
    project.configSet("secrets.checkout.green.DB_PASSWORD", value, { secret: true });
    await project.up();
    const deploy = await project.switchyard(["deploy", "checkout", "1.7.0", "--schema", ">=13 <15", "--yes"]);
    expect(deploy.status, deploy.stderr).toBe(0);
    expect(deploy.stdout + deploy.stderr).not.toContain(value);
    const blueSecrets = getJson(ns, "secrets", "-l", "app.kubernetes.io/name=checkout,switchyard.dev/color=blue").items;
    expect(blueSecrets).toHaveLength(1);
    expect(Buffer.from(blueSecrets[0].data.DB_PASSWORD, "base64").toString()).toBe(value);
    expect(getJson(ns, "deployment", "checkout-blue").spec.template.spec.containers[0].envFrom).toContainEqual({
      secretRef: { name: blueSecrets[0].metadata.name },
    });
    expect(fs.readFileSync(project.file("Pulumi.dev.yaml"), "utf8")).not.toContain(value);
  });

  it("compare shows what promoting the deployed version would change, secrets by name only", async () => {
    const text = await project.switchyard(["compare", "checkout"]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain("checkout: green (live, 100%) -> blue (0%)");
    expect(text.stdout).toContain("version  1.5.0 -> 1.7.0 (minor upgrade)");
    expect(text.stdout).toContain("secrets  same: DB_PASSWORD (values not shown)");
    const json = await project.switchyard(["compare", "checkout", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ from: { color: "green", version: "1.5.0" }, to: { color: "blue", version: "1.7.0" }, direction: "upgrade" });
    expect(text.stdout + json.stdout).not.toContain("rollout-s3cret-9b2d");
  });

  describe("Ctrl-C leaves the stack consistent and says how", () => {
    /** Blue's (the canary's) weight as last deployed (the stack's outputs) and as the live VirtualService routes it. */
    const canaryEverywhere = async () => ({
      deployed: (await project.stackOutput("services")).checkout.canary,
      live: liveWeights(ns, "checkout").blue,
    });

    it("during the wait after a step: the step stays, nothing more happens", async () => {
      traffic("checkout-blue", "1.6.0", 20, 0);
      const rollout = project.switchyardAsync(["rollout", "checkout", "--steps", "5,100", "--interval", "10m", "--yes", "--json"]);
      await vi.waitFor(() => expect(rollout.stderrSoFar()).toContain("waiting 600s before judging canary 5%"), { timeout: 120_000, interval: 250 });
      rollout.interrupt();
      const result = await rollout.done;
      expect(result.status, result.stderr).toBe(130);
      expect(JSON.parse(result.stdout)).toMatchObject({ kind: "interrupted", canary: 5, reverted: false });
      expect(result.stderr).toContain("checkout: interrupted after finishing the step; canary stays at 5%");
      expect(await canaryEverywhere()).toEqual({ deployed: 5, live: 5 });
    });

    it("during the update of a step: that step either completes or is undone, and the command says which", async () => {
      const rollout = project.switchyardAsync(["rollout", "checkout", "--steps", "50,100", "--interval", "10m", "--yes", "--json"]);
      await vi.waitFor(() => expect(rollout.stderrSoFar()).toContain("step: canary 50%"), { timeout: 60_000, interval: 100 });
      // Into the update itself: past the command's own start, while pulumi runs the program.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      rollout.interrupt();
      const result = await rollout.done;
      expect(result.status, result.stderr).toBe(130);
      const outcome = JSON.parse(result.stdout);
      expect(outcome.kind).toBe("interrupted");
      const canary = outcome.reverted ? 0 : 50;
      expect(outcome.canary).toBe(canary);
      expect(result.stderr).toContain(
        outcome.reverted
          ? "checkout: interrupted; the step under way was cancelled and the canary set back to 0%"
          : "checkout: interrupted after finishing the step; canary stays at 50%",
      );
      expect(await canaryEverywhere()).toEqual({ deployed: canary, live: canary });
      expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
    });
  });

  it("an operator's rollback during a rollout's wait stops the rollout, which says who changed what and does not undo it", async () => {
    if ((await project.stackOutput("services")).checkout.canary !== 0) expect((await project.switchyard(["rollback", "checkout", "--yes"])).status).toBe(0);
    traffic("checkout-blue", "1.6.0", 20, 0);
    const rollout = project.switchyardAsync(["rollout", "checkout", "--steps", "5,25", "--interval", "15s", "--yes", "--json"]);
    await vi.waitFor(() => expect(rollout.stderrSoFar()).toContain("waiting 15s before judging canary 5%"), { timeout: 120_000, interval: 250 });
    const rollback = await project.switchyard(["rollback", "checkout", "--yes"]);
    expect(rollback.status, rollback.stderr).toBe(0);
    const result = await rollout.done;
    expect(result.status, result.stderr).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({ kind: "superseded", canary: 5 });
    expect(result.stderr).toContain("someone else changed checkout during the rollout: services.checkout.canary: this rollout left 5, now 0");
    expect(result.stderr).toContain('the stack\'s last update: "checkout: roll back the 5% canary on blue');
    expect(liveWeights(ns, "checkout").blue).toBe(0);
    expect((await project.stackOutput("services")).checkout.canary).toBe(0);
  });
});
