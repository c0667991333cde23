import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getJson, liveWeights } from "./helpers/cluster";
import { TestProject } from "./helpers/project";

/**
 * The switchyard command under pressure, through the real CLI on the local
 * cluster: the policy pack on every change, no lost or half-applied edits,
 * Ctrl-C, values that look like flags, and --json.
 */
describe("the switchyard command under pressure", () => {
  let project: TestProject;
  let ns: string;
  const stackFile = () => fs.readFileSync(project.file("Pulumi.dev.yaml"), "utf8");

  beforeAll(async () => {
    project = new TestProject("cluster");
    ns = project.namespace;
    await project.up();
  });
  afterAll(async () => {
    await project?.remove();
  });
  beforeEach(async () => {
    // Every test starts from blue live with all traffic, whatever the previous one left.
    if ((await project.stackOutput("services")).checkout.canary !== 0) {
      project.configSet("services.checkout.canary", 0);
      await project.up();
    }
  });

  it("runs the policy pack with the stack's policy config on every change: a forbidden weight is refused and nothing is written", async () => {
    const policyConfig = project.file("policy/config.dev.json");
    fs.mkdirSync(path.dirname(policyConfig), { recursive: true });
    fs.writeFileSync(policyConfig, JSON.stringify({ weights: { enforcementLevel: "mandatory", allowedCanaryWeights: [0, 5, 25, 50, 100] } }));
    try {
      const before = stackFile();
      for (const args of [["canary", "checkout", "10", "--dry-run"], ["canary", "checkout", "10", "--yes"]]) {
        const refused = await project.switchyard(args);
        expect(refused.status, refused.stderr).toBe(2);
        expect(refused.stderr).toContain("the policy pack refused the change");
        expect(refused.stderr).toMatch(
          /policy weights \(mandatory\) on checkout-virtualservice: VirtualService \S+\/checkout http route "weighted" sends 90% to subset blue, 10% to subset green, a step this stack does not allow\. Rule: a canary moves in the allowed steps 0, 5, 25, 50, 100%/,
        );
        expect(stackFile()).toBe(before);
        expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
      }
      const allowed = await project.switchyard(["canary", "checkout", "5", "--yes"]);
      expect(allowed.status, allowed.stderr).toBe(0);
      expect(liveWeights(ns, "checkout")).toEqual({ blue: 95, green: 5 });
    } finally {
      fs.rmSync(policyConfig);
    }
  });

  it("a command that loses the race for the stack lock says so and leaves the stack file as it was", async () => {
    const before = stackFile();
    const holder = project.pulumiAsync(["up", "--yes", "--skip-preview"]);
    const locks = project.file(".switchyard/state/.pulumi/locks");
    await vi.waitFor(() => expect(lockFiles(locks).length).toBeGreaterThan(0), { timeout: 60_000, interval: 50 });
    process.kill(holder.child.pid!, "SIGSTOP");
    try {
      // The recorded path (a fast path's move reaches the cluster first; its failed record is fastpath.test.ts's case).
      const lost = await project.switchyard(["canary", "checkout", "25", "--yes", "--no-fast-path"]);
      expect(lost.status, lost.stdout + lost.stderr).toBe(1);
      expect(lost.stderr).toMatch(/locked/);
      expect(lost.stderr).toContain("nothing was changed, and Pulumi.dev.yaml is back as it was");
      expect(stackFile()).toBe(before);
    } finally {
      process.kill(holder.child.pid!, "SIGCONT");
    }
    expect((await holder.done).status).toBe(0);
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100, green: 0 });
  });

  it("Ctrl-C during a canary's update is one graceful cancel: exit 130, what was left, and the step that makes the stack agree", async () => {
    const canary = project.switchyardAsync(["--json", "canary", "checkout", "25", "--yes", "--no-fast-path"]);
    // The program runs: pulumi is inside its operation, where it listens for Ctrl-C.
    await vi.waitFor(() => expect(canary.stderrSoFar()).toContain("pulumi:pulumi:Stack"), { timeout: 60_000, interval: 50 });
    canary.interrupt();
    const result = await canary.done;
    expect(result.status, result.stderr).toBe(130);
    expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 130 });
    expect(result.stderr).toContain("SIGINT: stopping gracefully");
    const restored = result.stderr.includes("Pulumi.dev.yaml is back as it was");
    if (!restored) {
      expect(result.stderr).toContain("To finish it run the same command again");
      expect((await project.switchyard(["canary", "checkout", "25", "--yes", "--no-fast-path"])).status).toBe(0);
    }
    // The lock was released and the stack, its file and the cluster agree.
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
    expect(liveWeights(ns, "checkout")).toEqual(restored ? { blue: 100, green: 0 } : { blue: 75, green: 25 });
  });

  it("Ctrl-C the instant pulumi takes the stack lock never leaves the lock behind: the update finishes or cancels, and the stack agrees", async () => {
    const lockDir = project.file(".switchyard/state/.pulumi/locks/organization/switchyard/dev");
    fs.mkdirSync(lockDir, { recursive: true });
    const canary = project.switchyardAsync(["canary", "checkout", "25", "--yes", "--no-fast-path"]);
    // Before it listens for SIGINT, a pulumi holding the lock used to die of it and leave the lock for `pulumi cancel`.
    const watcher = fs.watch(lockDir, () => {
      watcher.close();
      canary.interrupt();
    });
    const result = await canary.done;
    watcher.close();
    const said = result.stdout + result.stderr;
    expect(said).toContain("SIGINT: stopping gracefully");
    expect(lockFiles(lockDir)).toEqual([]);
    const recorded = (await project.stackOutput("services")).checkout.canary;
    expect(recorded === 0 || recorded === 25, result.stderr).toBe(true);
    expect(result.status, said).toBe(recorded === 25 ? 0 : 130);
    if (recorded === 25) expect(said).toContain("SIGINT came too late to stop anything: the command finished");
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 100 - recorded, green: recorded });
  });

  it("an update someone records between the command's check and its own update is refused inside the lock, not overwritten", async () => {
    // Someone else's release, prepared in a copy of the stack file as their clone would hold it.
    const theirs = project.file("Pulumi.theirs.yaml");
    const theirConfig = parseDocument(stackFile());
    theirConfig.setIn(["config", "switchyard:services", "checkout", "canary"], 5);
    fs.writeFileSync(theirs, theirConfig.toString());
    const before = stackFile();
    const canary = project.switchyardAsync(["canary", "checkout", "25", "--yes", "--no-fast-path"]);
    // The command has passed its checks and started its update: hold that pulumi before it takes the stack lock.
    const held = await vi.waitFor(() => {
      const pid = pulumiUpIn(project.dir);
      expect(pid).toBeDefined();
      process.kill(pid!, "SIGSTOP");
      return pid!;
    }, { timeout: 60_000, interval: 2 });
    try {
      expect(lockFiles(project.file(".switchyard/state/.pulumi/locks"))).toEqual([]);
      expect((await project.pulumi(["up", "--yes", "--skip-preview", "--config-file", theirs])).status).toBe(0);
    } finally {
      process.kill(held, "SIGCONT");
    }
    const result = await canary.done;
    expect(result.status, result.stdout + result.stderr).toBe(2);
    expect(result.stdout + result.stderr).toContain("stack dev was updated by someone else after this command checked it");
    expect(result.stdout + result.stderr).toContain("Pulumi.dev.yaml is back as it was");
    expect(stackFile()).toBe(before);
    expect((await project.stackOutput("services")).checkout.canary).toBe(5);
    expect(liveWeights(ns, "checkout")).toEqual({ blue: 95, green: 5 });
    fs.rmSync(theirs);
  });

  it("passes values that start with a dash as data, and later deploys carry them on", async () => {
    const deploy = await project.switchyard(["deploy", "checkout", "1.6.0", "--schema", ">=13 <15", "--env", "JAVA_OPTS=-Xmx512m", "--note=-hotfix", "--yes"]);
    expect(deploy.status, deploy.stderr).toBe(0);
    const green = getJson(ns, "deployment", "checkout-green");
    expect(green.metadata.annotations["switchyard.dev/change-note"]).toBe("-hotfix");
    const configMap = getJson(ns, "configmap", green.spec.template.spec.containers[0].envFrom[0].configMapRef.name);
    expect(configMap.data.JAVA_OPTS).toBe("-Xmx512m");
    expect((await project.switchyard(["promote", "checkout", "--yes"])).status).toBe(0);
    // The live color now holds a value starting with '-': the next deploy carries it into the idle color.
    const next = await project.switchyard(["deploy", "checkout", "1.7.0", "--schema", ">=13 <15", "--yes"]);
    expect(next.status, next.stderr).toBe(0);
    expect(stackFile()).toMatch(/JAVA_OPTS: -Xmx512m[\s\S]*JAVA_OPTS: -Xmx512m/);
  });

  it("with --json prints exactly one JSON document on stdout, on success and on refusal", async () => {
    const ok = await project.switchyard(["--json", "canary", "checkout", "5", "--yes"]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ applied: true, command: expect.stringContaining("canary 5%") });
    const refused = await project.switchyard(["--json", "canary", "checkout", "25"]);
    expect(refused.status).toBe(2);
    expect(JSON.parse(refused.stdout)).toEqual({ error: expect.stringContaining("pass --yes"), exitCode: 2 });
  });
});

/** The `pulumi up` the Automation API started in `dir`, if one runs: read from /proc, as `ps` would. */
function pulumiUpIn(dir: string): number | undefined {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (path.basename(args[0] ?? "") !== "pulumi" || args[1] !== "up") continue;
      if (fs.readlinkSync(`/proc/${entry}/cwd`) === dir) return Number(entry);
    } catch {
      // The process ended while being read.
    }
  }
  return undefined;
}

function lockFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".json"));
}
