import * as fs from "node:fs";
import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendUrl, formatStatus, processAlive, startTemporaryBackend, type BackendInstance, type BackendStartResult } from "../../dev/lib/postgres";
import { RenderOperator as Operator } from "./helpers/renderOperator";

/** Where the CLI keeps stack locks in the state table (keys are prefixed with the database name). */
const LOCK_KEYS = "SELECT key FROM pulumi_state WHERE key LIKE '%/.pulumi/locks/%' ORDER BY key";

/** Resolves true when something accepts a TCP connection on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a team's state backend on PostgreSQL, through our pulumi CLI build (render mode)", () => {
  const began = Date.now();
  let backend: BackendInstance & { readonly startResult: BackendStartResult };
  let alice: Operator;
  let bob: Operator;
  let password: string;

  beforeAll(async () => {
    backend = await startTemporaryBackend((line) => console.log(`[backend] ${line}`));
    console.log(`[backend] instance started in ${backend.startResult.seconds.toFixed(2)} s (created: ${backend.startResult.created})`);
    password = backend.password;
    alice = new Operator("alice", backend.url);
    bob = new Operator("bob", backend.url);
  });

  afterAll(async () => {
    alice?.remove();
    bob?.remove();
    if (backend !== undefined) {
      const port = backend.port;
      backend.remove();
      expect(fs.existsSync(backend.dir)).toBe(false);
      expect(await listening(port)).toBe(false);
    }
    console.log(`[backend] e2e file wall time ${((Date.now() - began) / 1000).toFixed(1)} s`);
  });

  it("starts an instance of its own: loopback only, a generated password kept 0600, a role and a database of its own", async () => {
    expect(backend.startResult).toMatchObject({ started: true, created: true });
    expect(backend.url).toBe(`postgres://switchyard:${password}@127.0.0.1:${backend.port}/switchyard_state?sslmode=disable`);
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(fs.statSync(backend.passwordFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(backend.pgpassFile).mode & 0o777).toBe(0o600);
    expect(backend.sql("SHOW listen_addresses").trim()).toBe("127.0.0.1");
    expect(backend.sql("SELECT datname || ' ' || pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'switchyard_state'").trim()).toBe("switchyard_state switchyard");
    expect(await listening(backend.port)).toBe(true);

    const again = backend.start();
    expect(again).toMatchObject({ started: false, created: false, url: backend.url });
    const status = formatStatus(backend.status());
    expect(status).toContain(`running (pid `);
    expect(status).toContain(`postgres://switchyard:****@127.0.0.1:${backend.port}/switchyard_state?sslmode=disable`);
    expect(status).not.toContain(password);
  });

  it("one operator creates the stack and deploys it; another, sharing nothing but the URL, sees its history", async () => {
    alice.joinStack(true);
    const up = await alice.up();
    expect(up.stdout).toMatch(/\+ \d+ created/);

    const history = await alice.history();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: "update", result: "succeeded" });
    expect(history[0]!.resourceChanges?.create).toBeGreaterThan(10);

    // The CLI made its table itself, owned by the state role, and nothing else holds the state.
    expect(backend.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'pulumi_state'").trim()).toBe("switchyard");
    expect(backend.sql("SELECT count(*) FROM pulumi_state WHERE key LIKE 'switchyard_state/.pulumi/stacks/switchyard/dev.json'").trim()).toBe("1");

    bob.joinStack(false);
    expect(await bob.history()).toEqual(history);
    expect((await bob.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
  });

  it("while one update holds the stack's lock, a teammate's update fails at once, naming the lock and not the password", async () => {
    alice.configSet("services.checkout.green.version", "1.5.1");
    const first = alice.pulumiAsync(["up", "--yes", "--skip-preview", "--message", "alice: green 1.5.1"]);
    const lock = await until("alice's lock", () => backend.sql(LOCK_KEYS).trim() || undefined);
    // Hold the lock for as long as the test needs: pause alice's pulumi (its plugins wait on it), resume below.
    process.kill(first.child.pid!, "SIGSTOP");
    let second: Awaited<ReturnType<Operator["pulumi"]>>;
    try {
      second = await bob.pulumi(["up", "--yes", "--skip-preview"], { allowFailure: true });
    } finally {
      process.kill(first.child.pid!, "SIGCONT");
    }
    const output = `${second.stdout}${second.stderr}`;
    expect(second.status).not.toBe(0);
    expect(output).toContain("the stack is currently locked by 1 lock(s)");
    expect(output).toContain(`(pid ${first.child.pid})`);
    expect(output).toContain(lock.split("/").pop());
    expect(output).not.toContain(password);

    const finished = await first.done;
    expect(finished.status, `${finished.stdout}\n${finished.stderr}`).toBe(0);
    expect(backend.sql(LOCK_KEYS).trim()).toBe("");
    const history = await bob.history();
    expect(history.map((entry) => entry.result)).toEqual(["succeeded", "succeeded"]);
    expect(history[0]!.message).toBe("alice: green 1.5.1");
  });

  it("a wrong password is refused with PostgreSQL's own reason; the URL with a pgpass file works and prints no secret", async () => {
    const mallory = new Operator("mallory", backendUrl({ password: "not-the-password", port: backend.port }));
    const sam = new Operator("sam", backend.passfileUrl);
    try {
      const refused = mallory.quick(["stack", "ls"], { allowFailure: true });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/unable to open state database .*password authentication failed for user "switchyard"/);
      expect(refused.stderr).not.toContain(password);

      const listed = sam.quick(["stack", "ls", "--json"]);
      expect(JSON.parse(listed.stdout).map((stack: { name: string }) => stack.name)).toEqual(["dev"]);
      expect(`${sam.quick(["whoami", "--verbose"]).stdout}`).not.toContain(password);
    } finally {
      mallory.remove();
      sam.remove();
    }
  });

  it("stops idempotently, leaving nothing listening; started again, it has the same URL and the state", async () => {
    const pid = backend.status().pid!;
    expect(backend.stop()).toBe(true);
    expect(backend.stop()).toBe(false);
    expect(backend.isRunning()).toBe(false);
    expect(processAlive(pid)).toBe(false);
    expect(await listening(backend.port)).toBe(false);
    expect(formatStatus(backend.status())).toBe(`test: stopped (data in ${backend.dir})`);

    // The CLI, with the server down, prints its backend URL as given: the password with it. The pgpass URL has none.
    const down = alice.quick(["stack", "ls"], { allowFailure: true });
    expect(down.stderr).toMatch(/connection refused/);
    const sam = new Operator("sam", backend.passfileUrl);
    try {
      const downSafe = sam.quick(["stack", "ls"], { allowFailure: true });
      expect(downSafe.stderr).toMatch(/connection refused/);
      expect(downSafe.stderr).not.toContain(password);
    } finally {
      sam.remove();
    }

    const restarted = backend.start();
    expect(restarted).toMatchObject({ started: true, created: false, url: `postgres://switchyard:${password}@127.0.0.1:${backend.port}/switchyard_state?sslmode=disable` });
    console.log(`[backend] restarted in ${restarted.seconds.toFixed(2)} s`);
    expect((await bob.history()).length).toBe(2);
  });
});
