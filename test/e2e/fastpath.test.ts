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
      expect(promote.stdout).toMatch(/checkout: 100% green at \+\d+\.\d\d s \(VirtualService \S+\/checkout\); recorded as (update \d+|an update) at \+\d+\.\d s/);
    });
    expect(slow.result.stdout).not.toContain("at +");
    const promoted = await project.switchyard(["promote", "checkout", "--yes"]);
    expect(promoted.status, promoted.stderr).toBe(0);

    const fast = await timedMove(["--json", "rollback", "checkout", "--yes"], "100 0");
    expect(fast.result.status, fast.result.stderr).toBe(0);
    const output = JSON.parse(fast.result.stdout);
    expect(output).toMatchObject({ applied: true, fastPath: true, moves: [{ service: "checkout", virtualService: `${ns}/checkout`, split: "100% blue" }], changes: { update: 1 } });
    const [recording] = JSON.parse((await project.pulumi(["stack", "history", "--json"])).stdout);
    expect(new Date(output.recordedUpdate.startTime).getTime()).toBe(new Date(recording.startTime).getTime());
    expect(recording.message).toMatch(/^checkout: roll back to blue \(1\.4\.2\)/);
    expect(output.safeAtSeconds).toBeLessThan(output.recordedAtSeconds);
    expect(fast.result.stderr).toMatch(/checkout: 100% blue at \+\d+\.\d\d s \(VirtualService \S+\/checkout\); recorded as (update \d+|an update) at \+\d+\.\d s/);
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
      const promote = await project.switchyard(["promote", "checkout", "--yes", "--lock-timeout", "0s"]);
      expect(promote.status, promote.stdout + promote.stderr).toBe(5);
      expect(promote.stderr).toMatch(/traffic moved at \+\d+\.\d\d s \(VirtualService \S+\/checkout: 100% green\), but the stack did not record it: pulumi up failed: [\s\S]*currently locked/);
      expect(promote.stderr).toContain("Pulumi.dev.yaml holds the new config (checkout: promote green");
      expect(promote.stderr).toMatch(/To record it, run: pulumi up --stack dev --cwd \S+ --policy-pack \S+policy/);
      expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
      expect(stackFile()).toMatch(/live: green/);
      moved = virtualService().metadata.resourceVersion;
      const status = await project.switchyard(["status"]);
      expect(status.stdout).toMatch(/^checkout .*\n\s+moved, not recorded: the cluster sends 0% blue, 100% green; the stack records the weights above/m);
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

  it("a VirtualService that does not hold what the stack file says (changed outside switchyard) is left to pulumi up, which decides", async () => {
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
    kubectlIn(ns, "patch", "virtualservice", "checkout", "--type", "json", "-p", weightsPatch(50, 50));
    const rollback = await project.switchyard(["rollback", "checkout", "--yes"]);
    expect(rollback.status, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain(`fast path not taken: VirtualService ${ns}/checkout does not hold what Pulumi.dev.yaml says (100% green)`);
    expect(rollback.stdout).not.toMatch(/% blue at \+/);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
  });

  it("the apply is conditional on the VirtualService it read: a move made in between (another operator's) is not overwritten", async () => {
    const { connect, MovedMeanwhileError } = await import("../../cli/fastpath/cluster");
    const cluster = await connect({ kubeconfig: kubeconfigPath(TEST_CLUSTER), projectDir: project.dir });
    try {
      const read = await cluster.route("istio", ns, "checkout");
      kubectlIn(ns, "annotate", "virtualservice", "checkout", "example.com/touched=now");
      const object = { ...virtualService(), metadata: { name: "checkout", namespace: ns, labels: {}, annotations: {} } };
      await expect(cluster.applyRoute(object, "istio", read.resourceVersion)).rejects.toThrow(MovedMeanwhileError);
      expect(getJson(ns, "virtualservice", "checkout").metadata.annotations["example.com/touched"]).toBe("now");
    } finally {
      cluster.close();
      kubectlIn(ns, "annotate", "virtualservice", "checkout", "example.com/touched-");
    }
  });

  it("a rollback while a deploy's pulumi up runs: traffic moves at once, the record waits for that update, then cluster and stack file agree", async () => {
    expect((await project.switchyard(["promote", "checkout", "--yes"])).status).toBe(0);
    const deploy = project.switchyardAsync(["--json", "deploy", "catalog", "2.1.0", "--yes"]);
    const locks = project.file(".switchyard/state/.pulumi/locks");
    await vi.waitFor(() => expect(lockFiles(locks).length).toBeGreaterThan(0), { timeout: 60_000, interval: 50 });
    // Hold the deploy's update mid-way, so the rollback surely meets it.
    const holder = JSON.parse(fs.readFileSync(path.join(locks, lockFiles(locks)[0]!), "utf8")).pid as number;
    process.kill(holder, "SIGSTOP");
    const rollback = project.switchyardAsync(["--json", "rollback", "checkout", "--yes"]);
    try {
      await vi.waitFor(() => expect(rollback.stderrSoFar()).toMatch(/an update of stack dev is running \(\S+@\S+, pid \d+, since \S+\): traffic is already safe; waiting up to 300 s/), {
        timeout: 60_000,
        interval: 100,
      });
      expect(rollback.stderrSoFar()).toMatch(/checkout: 100% blue at \+\d+\.\d\d s/);
      expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
    } finally {
      process.kill(holder, "SIGCONT");
    }
    const [deployed, rolledBack] = await Promise.all([deploy.done, rollback.done]);
    expect(deployed.status, deployed.stderr).toBe(0);
    expect(rolledBack.status, rolledBack.stderr).toBe(0);
    expect(rolledBack.stderr).toMatch(/checkout: 100% blue at \+\d+\.\d\d s \(VirtualService \S+\/checkout\); recorded as (update \d+|an update) at/);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
    expect(stackFile()).toMatch(/checkout:[\s\S]*live: blue/);
    expect(stackFile()).toMatch(/catalog:[\s\S]*green:\s+version: 2\.1\.0/);
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
  });

  it("a lock released while pulumi reads it (two updates starting at once): the record tries again until it can; the recorded path once, then says so", async () => {
    // Two updates that start together each write a lock and see the other's; the one that gives up deletes its own while
    // the other reads it, and pulumi fails on the read. A dangling link is a lock that is listed and then cannot be read.
    const stackLocks = project.file(".switchyard/state/.pulumi/locks/organization/switchyard/dev");
    fs.mkdirSync(stackLocks, { recursive: true });
    const released = path.join(stackLocks, "released-while-read.json");
    fs.symlinkSync(path.join(stackLocks, "deleted.json"), released);
    // The recorded path tries once more at once; a lock that is still unreadable then fails it, saying what happened.
    const before = stackFile();
    const recorded = await project.switchyard(["promote", "checkout", "--yes", "--no-fast-path"]);
    expect(recorded.status, recorded.stderr).toBe(1);
    expect(recorded.stderr).toContain("another update of stack dev took or released the stack lock as this one checked it (it started or ended at the same moment); run the command again");
    expect(recorded.stderr).toContain("nothing was changed, and Pulumi.dev.yaml is back as it was");
    expect(stackFile()).toBe(before);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
    const promote = project.switchyardAsync(["--json", "promote", "checkout", "--yes"]);
    try {
      await vi.waitFor(() => expect(promote.stderrSoFar()).toMatch(/another update of stack dev took or released the stack lock as this one checked it: traffic is already safe; trying again for up to 300 s/), {
        timeout: 60_000,
        interval: 100,
      });
      expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
    } finally {
      fs.rmSync(released, { force: true });
    }
    const promoted = await promote.done;
    expect(promoted.status, promoted.stderr).toBe(0);
    expect(promoted.stderr).toMatch(/checkout: 100% green at \+\d+\.\d\d s \(VirtualService \S+\/checkout\); recorded as (update \d+|an update) at/);
    expect(stackFile()).toMatch(/checkout:[\s\S]*live: green/);
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
    const rollback = await project.switchyard(["rollback", "checkout", "--yes"]);
    expect(rollback.status, rollback.stderr).toBe(0);
  });

  it("several services move in one command: parallel applies, one record; rollback --all takes every service that has somewhere to go back to", async () => {
    const uids = deploymentUids(ns);
    const promote = await project.switchyard(["--json", "promote", "checkout", "catalog", "--yes"]);
    expect(promote.status, promote.stderr).toBe(0);
    const promoted = JSON.parse(promote.stdout);
    expect(promoted.moves.map((move: { service: string; split: string }) => `${move.service} ${move.split}`)).toEqual(["checkout 100% green", "catalog 100% green"]);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 0, green: 100 });
    expect(liveWeights(ns, "catalog")).toEqual({ blue: 0, green: 100 });

    const updates = async () => JSON.parse((await project.pulumi(["stack", "history", "--json"])).stdout) as { message: string; startTime: string }[];
    const [newestBefore] = await updates();
    const rollback = await project.switchyard(["--json", "rollback", "--all", "--yes"]);
    expect(rollback.status, rollback.stderr).toBe(0);
    const rolledBack = JSON.parse(rollback.stdout);
    expect(rolledBack.moves.map((move: { service: string }) => move.service).sort()).toEqual(["catalog", "checkout"]);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
    expect(liveWeights(ns, "catalog")).toEqual({ blue: 100, green: 0 });
    const history = await updates();
    // One update recorded both moves: the newest update before the command is now the second newest.
    expect(history[1]!.startTime).toBe(newestBefore!.startTime);
    expect(history[0]!.message).toMatch(/^catalog: roll back to blue \(2\.0\.1\); checkout: roll back to blue \(1\.4\.2\)|^checkout: roll back to blue \(1\.4\.2\); catalog: roll back to blue \(2\.0\.1\)/);
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
    expect(deploymentUids(ns)).toEqual(uids);
  });

  it("the VirtualService deleted behind Pulumi's back: exit 1, nothing applied or written, the message names it", async () => {
    const before = stackFile();
    kubectlIn(ns, "delete", "virtualservice", "checkout");
    const refused = await project.switchyard(["promote", "checkout", "--yes"]);
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

/** A JSON patch of the weighted route's two weights (blue, green), as someone editing the object by hand would make. */
function weightsPatch(blue: number, green: number): string {
  return JSON.stringify([
    { op: "replace", path: "/spec/http/2/route/0/weight", value: blue },
    { op: "replace", path: "/spec/http/2/route/1/weight", value: green },
  ]);
}

function lockFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".json"));
}
