import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { kubeconfigPath, TEST_CLUSTER } from "../../dev/lib/cluster";
import { deploymentUids, getJson, kubectlIn, liveWeights, Watch } from "./helpers/cluster";
import { TestProject } from "./helpers/project";

/**
 * Issue 16: a weight-only release edit goes to the API server first, then is
 * recorded with `pulumi up`, on the local cluster through the real CLI.
 */
describe("weight-only moves: API server first, then recorded", () => {
  let project: TestProject;
  let ns: string;
  const stackFile = () => fs.readFileSync(project.file("Pulumi.dev.yaml"), "utf8");
  const virtualService = () => getJson(ns, "virtualservice", "checkout");
  const naming = () => project.file("model/naming.ts");
  const SHARED_MANAGER = '  "pulumi.com/patchFieldManager": ROUTING_FIELD_MANAGER,\n';

  beforeAll(async () => {
    project = new TestProject("cluster");
    ns = project.namespace;
    // Deploy as a stack made before the shared field manager: the provider then applies with a random manager of its own.
    const original = fs.readFileSync(naming(), "utf8");
    expect(original).toContain(SHARED_MANAGER);
    fs.writeFileSync(naming(), original.replace(SHARED_MANAGER, ""));
    await project.up();
    fs.writeFileSync(naming(), original);
  });
  afterAll(async () => {
    await project?.remove();
  });

  it("an existing stack takes the shared field manager as an update of the VirtualService alone, replacing nothing", async () => {
    const before = virtualService();
    expect(before.metadata.annotations["pulumi.com/patchFieldManager"]).toBeUndefined();
    const steps = (await project.previewSteps()).filter((step) => step.op !== "same");
    // One VirtualService per service (checkout, catalog), each an update, and nothing else.
    expect(steps.map((step) => `${step.op} ${step.type}`)).toEqual(Array(2).fill("update kubernetes:networking.istio.io/v1:VirtualService"));
    const uids = deploymentUids(ns);
    await project.up();
    expect(virtualService().metadata.annotations["pulumi.com/patchFieldManager"]).toBe("switchyard");
    expect(virtualService().metadata.uid).toBe(before.metadata.uid);
    expect(deploymentUids(ns)).toEqual(uids);
  });

  it("promote and roll back go to the API server first; the record changes nothing there; no Deployment is replaced; faster than --no-fast-path", async () => {
    const uids = deploymentUids(ns);
    const slow = await timedMove(["rollback", "checkout", "--yes", "--no-fast-path"], "100 0", async () => {
      const promote = await project.switchyard(["promote", "checkout", "--yes"]);
      expect(promote.status, promote.stderr).toBe(0);
      expect(promote.stdout).toMatch(/checkout: 100% green at \+\d+\.\d\d s \(VirtualService \S+\/checkout\); recorded as update at \+\d+\.\d s/);
    });
    expect(slow.result.stdout).not.toContain("at +");
    const promoted = await project.switchyard(["promote", "checkout", "--yes"]);
    expect(promoted.status, promoted.stderr).toBe(0);

    const fast = await timedMove(["--json", "rollback", "checkout", "--yes"], "100 0");
    expect(fast.result.status, fast.result.stderr).toBe(0);
    const output = JSON.parse(fast.result.stdout);
    expect(output).toMatchObject({ applied: true, fastPath: true, virtualService: `${ns}/checkout`, changes: { update: 1 } });
    expect(output.safeAtSeconds).toBeLessThan(output.recordedAtSeconds);
    expect(fast.result.stderr).toMatch(/checkout: 100% blue at \+\d+\.\d\d s \(VirtualService \S+\/checkout\); recorded as update at \+\d+\.\d s/);
    // One write on the cluster, the fast path's: the record's update applied the same fields with the same manager.
    expect(fast.versions).toHaveLength(1);
    expect(virtualService().metadata.resourceVersion).toBe(fast.versions[0]);
    const appliers = getJson(ns, "virtualservice", "checkout", "--show-managed-fields").metadata.managedFields.filter((f: any) => f.operation === "Apply").map((f: any) => f.manager);
    expect(appliers).toEqual(["switchyard"]);
    expect(stackFile()).toMatch(/live: blue/);
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
    expect(deploymentUids(ns)).toEqual(uids);

    console.log(
      `[fastpath] time to safe for a rollback, from command start to the weights on the API server: ` +
        `fast path ${fast.seconds.toFixed(2)} s (command says +${output.safeAtSeconds} s, recorded at +${output.recordedAtSeconds} s), ` +
        `--no-fast-path ${slow.seconds.toFixed(2)} s; ratio ${(slow.seconds / fast.seconds).toFixed(1)}x`,
    );
    expect(fast.seconds).toBeLessThan(slow.seconds);
  });

  it("a color that is not ready gets no traffic from the API server: the command says why and pulumi up moves it", async () => {
    kubectlIn(ns, "patch", "deployment", "checkout-green", "--type", "merge", "-p", templateVersion("9.9.9"));
    try {
      const canary = await project.switchyard(["canary", "checkout", "25", "--yes"]);
      expect(canary.status, canary.stderr).toBe(0);
      expect(canary.stdout).toContain(
        `fast path not taken: Deployment ${ns}/checkout-green is not ready for traffic: its pods run version 9.9.9 (label app.kubernetes.io/version), the config names 1.5.0`,
      );
      expect(canary.stdout).not.toMatch(/% green at \+/);
      expect(liveWeights(ns, "checkout")).toEqual({ blue: 75, green: 25 });
    } finally {
      kubectlIn(ns, "patch", "deployment", "checkout-green", "--type", "merge", "-p", templateVersion("1.5.0"));
    }
    const abort = await project.switchyard(["rollback", "checkout", "--yes"]);
    expect(abort.status, abort.stderr).toBe(0);
    expect(abort.stdout).toMatch(/checkout: 100% blue at \+/);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
  });

  it.each([
    ["unreachable", () => brokenKubeconfig({ server: "https://127.0.0.1:1" }), /reading (VirtualService \S+\/checkout|Deployment \S+\/checkout-green) on the API server https:\/\/127\.0\.0\.1:1 failed: .*ECONNREFUSED/],
    ["forbidden", () => brokenKubeconfig({ token: serviceAccountToken() }), /reading (VirtualService \S+\/checkout|Deployment \S+\/checkout-green) on the API server \S+ failed: HTTP 403: .*forbidden/],
  ])("the API server %s: exit 1, nothing moved or written, the message names the object and the cause", async (_label, kubeconfig, message) => {
    const original = stackFile();
    await project.pulumi(["config", "set", "kubernetes:kubeconfig", kubeconfig()]);
    const before = stackFile();
    try {
      const refused = await project.switchyard(["promote", "checkout", "--yes"]);
      expect(refused.status, refused.stdout + refused.stderr).toBe(1);
      expect(refused.stderr).toMatch(message);
      expect(stackFile()).toBe(before);
      expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
    } finally {
      fs.writeFileSync(project.file("Pulumi.dev.yaml"), original);
    }
  });

  it("when the record fails (stack locked), exit 5 says traffic moved, what the stack file holds and what to run; that pulumi up changes nothing on the cluster", async () => {
    const holder = project.pulumiAsync(["up", "--yes", "--skip-preview"]);
    const locks = project.file(".switchyard/state/.pulumi/locks");
    await vi.waitFor(() => expect(lockFiles(locks).length).toBeGreaterThan(0), { timeout: 60_000, interval: 50 });
    process.kill(holder.child.pid!, "SIGSTOP");
    let moved: string;
    try {
      const promote = await project.switchyard(["promote", "checkout", "--yes"]);
      expect(promote.status, promote.stdout + promote.stderr).toBe(5);
      expect(promote.stderr).toMatch(/traffic moved at \+\d+\.\d\d s \(VirtualService \S+\/checkout: 100% green\), but the stack did not record it: pulumi up failed: [\s\S]*currently locked/);
      expect(promote.stderr).toContain("Pulumi.dev.yaml holds the new config (checkout: promote green");
      expect(promote.stderr).toMatch(/To record it, run: pulumi up --stack dev --cwd \S+ --policy-pack \S+policy/);
      expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
      expect(stackFile()).toMatch(/live: green/);
      moved = virtualService().metadata.resourceVersion;
    } finally {
      process.kill(holder.child.pid!, "SIGCONT");
    }
    expect((await holder.done).status).toBe(0);
    // The held update ran the old config against its old state: it did not move traffic back.
    expect(virtualService().metadata.resourceVersion).toBe(moved);
    await project.up();
    expect(virtualService().metadata.resourceVersion).toBe(moved);
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
    expect((await project.stackOutput("services")).checkout.live).toBe("green");
  });

  it("the VirtualService deleted behind Pulumi's back: exit 1, nothing applied or written, the message names it", async () => {
    const before = stackFile();
    kubectlIn(ns, "delete", "virtualservice", "checkout");
    const refused = await project.switchyard(["rollback", "checkout", "--yes"]);
    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/VirtualService \S+\/checkout does not exist on the API server .*traffic was not moved.*--no-fast-path/);
    expect(stackFile()).toBe(before);
    expect(() => kubectlIn(ns, "get", "virtualservice", "checkout")).toThrow();
    await project.pulumi(["refresh", "--yes", "--skip-preview"]);
  });

  /** Runs a command while watching the VirtualService: seconds from its start until the weighted route reads `expected`, and each new resourceVersion. */
  async function timedMove(args: string[], expected: string, prepare: () => Promise<void> = async () => {}) {
    await prepare();
    const watch = new Watch(ns, "virtualservice/checkout", '{.metadata.resourceVersion} {.spec.http[2].route[0].weight} {.spec.http[2].route[1].weight}{"\\n"}');
    await vi.waitFor(() => expect(watch.lines.length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    const startVersion = watch.lines[0]!.text.split(" ")[0];
    const started = Date.now();
    const result = await project.switchyard(args);
    await new Promise((resolve) => setTimeout(resolve, 500));
    watch.stop();
    expect(result.status, result.stderr).toBe(0);
    const arrived = watch.lines.find((line) => line.text.endsWith(` ${expected}`) && !line.text.startsWith(`${startVersion} `));
    expect(arrived, JSON.stringify(watch.lines)).toBeDefined();
    const versions = [...new Set(watch.lines.map((line) => line.text.split(" ")[0]).filter((version) => version !== startVersion))];
    return { result, seconds: (arrived!.at - started) / 1000, versions };
  }

  /** A copy of the test cluster's kubeconfig with another server or a token user. */
  function brokenKubeconfig(change: { server?: string; token?: string }): string {
    let text = fs.readFileSync(kubeconfigPath(TEST_CLUSTER), "utf8");
    if (change.server !== undefined) text = text.replace(/server: \S+/, `server: ${change.server}`);
    if (change.token !== undefined) {
      text = text.replace(/(\n\s*user:\n)([\s\S]*?)(\n\S|$)/, (_m, head: string, _body: string, tail: string) => `${head}    token: ${change.token}${tail}`);
    }
    const file = project.file(`broken-${Object.keys(change)[0]}.kubeconfig.yaml`);
    fs.writeFileSync(file, text);
    return path.basename(file);
  }

  /** A token of a service account no role is bound to: the API server knows who it is and forbids everything. */
  function serviceAccountToken(): string {
    kubectlIn(ns, "create", "serviceaccount", "nobody");
    return kubectlIn(ns, "create", "token", "nobody").trim();
  }
});

function templateVersion(version: string): string {
  return JSON.stringify({ spec: { template: { metadata: { labels: { "app.kubernetes.io/version": version } } } } });
}

function lockFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".json"));
}
