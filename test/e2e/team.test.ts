import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { backendUrl as postgresUrl, startTemporaryBackend, type BackendInstance } from "../../dev/lib/postgres";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../../dev/lib/toolchain";
import { liveWeights } from "./helpers/cluster";
import { Operator } from "./helpers/operator";

/**
 * Two infrastructure engineers, two clones, one shared PostgreSQL state
 * backend, the team's own passphrase: switchyard outside its sandbox, through
 * the real CLI on the local cluster.
 */
describe("switchyard for a team: the operators' own Pulumi, one shared PostgreSQL backend", () => {
  const STACK = "staging";
  const PASSPHRASE = `team-${Math.random().toString(36).slice(2)}`;
  let backend: BackendInstance;
  let backendUrl: string;
  let ann: Operator;
  let bob: Operator;
  const namespace = `e2e-team-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    backend = await startTemporaryBackend();
    // The password stays in a pgpass file: the CLI prints its backend URL as given in some errors.
    backendUrl = backend.passfileUrl;
    ann = new Operator("ann", STACK, backendUrl, PASSPHRASE);
    await ann.initStack(namespace);
    const first = await ann.switchyard(["status"]);
    expect(first.status, first.stderr).toBe(0);
    expect((await ann.pulumiOk(["up", "--yes", "--skip-preview"])).status).toBe(0);
    bob = ann.cloneFor("bob", backendUrl, PASSPHRASE);
  });
  afterAll(async () => {
    await ann?.pulumi(["destroy", "--yes", "--skip-preview"]);
    ann?.remove();
    bob?.remove();
    backend?.remove();
  });

  it("acts on the operator's backend with their CLI, says which in status, and leaves the sandbox's files alone", async () => {
    const status = await ann.switchyard(["status"]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toContain(`stack ${STACK} · pulumi ${ann.env.SWITCHYARD_PULUMI} · backend ${backendUrl}`);
    expect(fs.readdirSync(path.join(ann.dir, ".switchyard", "state"))).toEqual([]);
  });

  it("one operator's release is what the other's status and history show, with who made it", async () => {
    expect((await ann.switchyard(["canary", "checkout", "25", "--yes"])).status).toBe(0);
    const status = await bob.switchyard(["--json", "status"]);
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).services).toContainEqual(expect.objectContaining({ service: "checkout", canary: 25 }));
    const history = await bob.switchyard(["history", "checkout"]);
    expect(history.stdout).toMatch(/canary 0 -> 25 \(message: checkout: canary 25% to green \(by ann\)\)/);
  });

  it("a stale clone is refused before it can undo a colleague's release, and names who changed what", async () => {
    const before = fs.readFileSync(bob.stackFile, "utf8");
    const refused = await bob.switchyard(["canary", "checkout", "5", "--yes"]);
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`the backend is ahead of this clone's Pulumi.${STACK}.yaml`);
    expect(refused.stderr).toMatch(/services\.checkout\.canary: backend 25, this file 0 \("checkout: canary 25% to green \(by ann\)", 20\d\d-/);
    expect(refused.stderr).toContain("git pull");
    expect(fs.readFileSync(bob.stackFile, "utf8")).toBe(before);
    expect(liveWeights(namespace, "checkout")).toEqual({ blue: 75, green: 25 });

    bob.pullFrom(ann);
    const afterPull = await bob.switchyard(["rollback", "checkout", "--yes"]);
    expect(afterPull.status, afterPull.stderr).toBe(0);
    expect(liveWeights(namespace, "checkout")).toEqual({ blue: 100, green: 0 });
    ann.pullFrom(bob);
  });

  it("two operators moving the stack at the same moment: never both win, and a command that lost leaves no config change behind", async () => {
    const [annFile, bobFile] = [fs.readFileSync(ann.stackFile, "utf8"), fs.readFileSync(bob.stackFile, "utf8")];
    // The recorded path: the stack lock decides.
    const results = await Promise.all([
      ann.switchyard(["canary", "checkout", "5", "--yes", "--no-fast-path"]),
      bob.switchyard(["canary", "checkout", "25", "--yes", "--no-fast-path"]),
    ]);
    const said = results.map((result) => result.stderr).join("\n---\n");
    const winners = results.filter((result) => result.status === 0);
    if (winners.length === 0) {
      // Pulumi's DIY lock: two updates that write their locks within milliseconds of each other both see the other's and
      // both give up. Neither may change anything then.
      for (const result of results) expect(result.stderr, said).toMatch(/currently locked by 1 lock\(s\)[\s\S]*back as it was/);
      expect([fs.readFileSync(ann.stackFile, "utf8"), fs.readFileSync(bob.stackFile, "utf8")]).toEqual([annFile, bobFile]);
      expect(liveWeights(namespace, "checkout").green).toBe(0);
      return;
    }
    expect(winners, said).toHaveLength(1);
    const loser = results.find((result) => result.status !== 0)!;
    // Whichever came second either met the winner's lock, or (if the winner had finished) the stale-clone guard.
    expect(loser.stderr).toMatch(/currently locked by 1 lock\(s\)[\s\S]*back as it was|the backend is ahead of this clone's/);
    const loserIsAnn = results[0]!.status !== 0;
    expect(fs.readFileSync(loserIsAnn ? ann.stackFile : bob.stackFile, "utf8")).toBe(loserIsAnn ? annFile : bobFile);
    expect(liveWeights(namespace, "checkout").green).toBe(loserIsAnn ? 25 : 5);
    // The loser pulls the winner's stack file, as the refusal told them to.
    if (loserIsAnn) ann.pullFrom(bob);
    else bob.pullFrom(ann);
  });

  it("two operators moving the same service on the fast path at the same moment: whatever the order, cluster and stack agree, and a command that failed says why", async () => {
    const results = await Promise.all([
      ann.switchyard(["--json", "canary", "checkout", "5", "--yes"]),
      bob.switchyard(["--json", "canary", "checkout", "25", "--yes"]),
    ]);
    const said = results.map((result) => result.stderr).join("\n---\n");
    expect(results.some((result) => result.status === 0), said).toBe(true);
    for (const loser of results.filter((result) => result.status !== 0)) {
      // Its conditional apply met the other move, or the other move was on the cluster and pulumi up decided
      // (the lock, or the stale-clone guard), or its own record met the other's update (exit 5, saying so).
      expect(loser.stderr).toMatch(/changed on the API server \S+ while switchyard moved it|currently locked|the backend is ahead of this clone's|traffic moved at .*but the stack did not record it/);
    }
    const recorded = JSON.parse((await ann.pulumiOk(["stack", "output", "services", "--json"])).stdout).checkout.weights;
    expect(liveWeights(namespace, "checkout")).toEqual(recorded);
    // What the stack records is the move of a command that said it succeeded.
    const recordedBy = recorded.green === 5 ? 0 : 1;
    expect(recorded.green).toBe([5, 25][recordedBy]);
    expect(results[recordedBy]!.status, said).toBe(0);
    if (recordedBy === 0) bob.pullFrom(ann);
    else ann.pullFrom(bob);
  });

  it("refuses, in one line naming the setting, a missing passphrase, a backend it cannot use, and a pulumi that is not there", async () => {
    const noPassphrase = await ann.switchyard(["canary", "checkout", "5", "--yes"], { PULUMI_CONFIG_PASSPHRASE: undefined });
    expect(noPassphrase.status).toBe(2);
    expect(noPassphrase.stderr).toContain(`stack ${STACK} uses the passphrase secrets provider`);
    expect(noPassphrase.stderr).toContain("set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE");
    const before = fs.readFileSync(ann.stackFile, "utf8");
    for (const [url, secret] of [
      [postgresUrl({ port: backend.port, password: "not-the-password" }), "not-the-password"],
      [postgresUrl({ port: 1, password: "unreachable-pw" }), "unreachable-pw"],
    ] as const) {
      // The recorded path: on the fast path traffic moves first, and a backend it cannot reach is a failed record (exit 5).
      const bad = await ann.switchyard(["canary", "checkout", "5", "--yes", "--no-fast-path"], { PULUMI_BACKEND_URL: url });
      expect(bad.status).toBe(1);
      expect(bad.stderr.trim().split("\n"), bad.stderr).toHaveLength(1);
      expect(bad.stderr).toMatch(/^switchyard: cannot use the backend postgres:\/\/switchyard:\*\*\*\*@127\.0\.0\.1:\d+\/switchyard_state\?sslmode=disable \(from PULUMI_BACKEND_URL\): .*; check that address, that the server is up, and its credentials/);
      expect(bad.stderr).not.toContain(secret);
    }
    expect(fs.readFileSync(ann.stackFile, "utf8")).toBe(before);
    const noCli = await ann.switchyard(["status"], { SWITCHYARD_PULUMI: "/nonexistent/pulumi" });
    expect(noCli.status).toBe(2);
    expect(noCli.stderr.trim()).toBe('switchyard: SWITCHYARD_PULUMI: got "/nonexistent/pulumi"; allowed: the path of an executable pulumi CLI');
  });

  it("the CI recipe: the workflow's switchyard check step, run as written, reports a change as Markdown and gates on the policy pack", async () => {
    const workflow = parse(fs.readFileSync(path.join(PROJECT_ROOT, ".github/workflows/switchyard-check.yml"), "utf8"));
    const step = workflow.jobs.check.steps.find((candidate: { name?: string }) => candidate.name === "switchyard check");
    const [, commandLine, reportFile] = /^npx switchyard (.+?) > (\S+)$/.exec(step.run.replace("${{ matrix.stack }}", STACK))!;
    expect(reportFile).toBe("switchyard-check.md");
    const check = () => ann.switchyard(commandLine!.split(" "), { SWITCHYARD_OPERATOR: "github-actions/ann" });

    const policyConfig = path.join(ann.dir, "policy", `config.${STACK}.json`);
    fs.mkdirSync(path.dirname(policyConfig), { recursive: true });
    fs.writeFileSync(policyConfig, JSON.stringify({ weights: { enforcementLevel: "mandatory", allowedCanaryWeights: [0, 5, 25, 50, 100] } }));
    const committed = fs.readFileSync(ann.stackFile, "utf8");
    const deployedGreen = liveWeights(namespace, "checkout").green;
    try {
      await ann.pulumiOk(["config", "set", "--path", "switchyard:services.checkout.canary", "50"]);
      const passing = await check();
      expect(passing.status, passing.stderr).toBe(0);
      expect(passing.stdout).toContain(`## switchyard check: stack \`${STACK}\` ✅ can be applied`);
      expect(passing.stdout).toContain(`- checkout: blue ${100 - deployedGreen} -> 50, green ${deployedGreen} -> 50`);
      expect(passing.stdout).toContain("| update | VirtualService | checkout-virtualservice |");

      await ann.pulumiOk(["config", "set", "--path", "switchyard:services.checkout.canary", "10"]);
      const refused = await check();
      expect(refused.status).toBe(2);
      expect(refused.stdout).toContain(`## switchyard check: stack \`${STACK}\` ❌ refused`);
      expect(refused.stdout).toContain("policy weights (mandatory) on checkout-virtualservice");
      // A check changes nothing: not the cluster, not the stack's history.
      expect(liveWeights(namespace, "checkout").green).toBe(deployedGreen);
    } finally {
      fs.writeFileSync(ann.stackFile, committed);
      fs.rmSync(policyConfig);
    }
  });

  it("PostgreSQL stopped during an update: the update fails clearly, the state stays whole, and the recovery procedure converges", async () => {
    // The recorded path, so that the backend goes away during the update itself.
    const move = ann.switchyardAsync(["--json", "canary", "checkout", "25", "--yes", "--no-fast-path"]);
    await vi.waitFor(() => expect(move.stderrSoFar()).toContain("Updating ("), { timeout: 60_000, interval: 50 });
    backend.stop("immediate");
    const result = await move.done;
    expect(result.status, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatch(/pulumi up failed/);
    expect(result.stderr + result.stdout).not.toContain(backend.password);

    backend.start();
    // docs/operations.md, Recovering from an interrupted pulumi up: clear a lock the dead update may have left, then up.
    await ann.pulumi(["cancel", "--yes"]);
    expect((await ann.pulumiOk(["stack", "export"])).stdout).toMatch(/"deployment"/);
    const again = await ann.switchyard(["canary", "checkout", "25", "--yes"], { SWITCHYARD_OPERATOR: "ann" });
    expect(again.status, again.stderr).toBe(0);
    expect((await ann.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
    expect(liveWeights(namespace, "checkout")).toEqual({ blue: 75, green: 25 });
    bob.pullFrom(ann);
  });

  it("a lock left by a killed process: the command names what holds it and how to clear it, and changes nothing", async () => {
    const holder = ann.pulumiAsync(["up", "--yes", "--skip-preview"]);
    await vi.waitFor(() => expect(backend.sql("SELECT key FROM pulumi_state WHERE key LIKE '%/.pulumi/locks/%'")).toContain("locks"), {
      timeout: 60_000,
      interval: 100,
    });
    process.kill(holder.pid, "SIGKILL");
    await holder.done;
    const before = fs.readFileSync(bob.stackFile, "utf8");
    const blocked = await bob.switchyard(["canary", "checkout", "50", "--yes", "--no-fast-path"]);
    expect(blocked.status, blocked.stderr).toBe(1);
    expect(blocked.stderr).toMatch(/currently locked by 1 lock\(s\)/);
    expect(blocked.stderr).toContain(`clear the lock with: pulumi cancel --stack ${STACK} --yes`);
    expect(fs.readFileSync(bob.stackFile, "utf8")).toBe(before);

    await bob.pulumiOk(["cancel", "--yes"]);
    expect((await bob.switchyard(["canary", "checkout", "50", "--yes"])).status).toBe(0);
    expect(liveWeights(namespace, "checkout")).toEqual({ blue: 50, green: 50 });
  });
});
