import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { commandRoot, redactUrl, redactUrls } from "../../../cli/pulumi/process";

describe("backend URLs never show their password", () => {
  it.each([
    ["postgres://switchyard:s3cret@127.0.0.1:5433/state?sslmode=disable", "postgres://switchyard:****@127.0.0.1:5433/state?sslmode=disable"],
    ["postgres://switchyard@127.0.0.1:5433/state?passfile=/x/pgpass", "postgres://switchyard@127.0.0.1:5433/state?passfile=/x/pgpass"],
    ["s3://bucket/prefix", "s3://bucket/prefix"],
  ])("%s is shown as %s", (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it("hides every password in a CLI's error text", () => {
    const text = 'unable to open state database "postgres://ann:pw1@db:5432/a": dial tcp; retried postgres://bob:pw2@db:5432/b';
    expect(redactUrls(text)).toBe('unable to open state database "postgres://ann:****@db:5432/a": dial tcp; retried postgres://bob:****@db:5432/b');
  });
});

describe("what pulumi said went wrong", () => {
  it("keeps pulumi's own error lines and drops the Automation API's wrapping", async () => {
    const { pulumiError } = await import("../../../cli/pulumi/session");
    const wrapped = [
      "code: -2",
      " stdout: ",
      " stderr: Command failed with exit code 1: /bin/pulumi up --yes --skip-preview --message x --stack staging",
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
      "  file:///state/.pulumi/locks/organization/switchyard/staging/1.json: created by ann@laptop (pid 26385) at 2026-11-30T16:08:20Z",
      " err?: Error: Command failed with exit code 1: /bin/pulumi up",
    ].join("\n");
    expect(pulumiError(wrapped)).toBe(
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
        "  file:///state/.pulumi/locks/organization/switchyard/staging/1.json: created by ann@laptop (pid 26385) at 2026-11-30T16:08:20Z",
    );
  });
});

describe("the pulumi the Automation API starts", () => {
  // A stand-in CLI in a folder whose name needs quoting: it interrupts itself as a Ctrl-C would, then reports.
  const fakePulumi = (dir: string) => {
    const file = path.join(dir, "it's here", "pulumi");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\nkill -INT $$\necho "survived SIGINT"\necho "PATH starts with ${PATH%%:*}"\nprintf "arg=%s\\n" "$@"\n', { mode: 0o755 });
    return file;
  };

  it("outlives a SIGINT that arrives before pulumi listens for one, so it can never die holding the stack lock", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "launcher-"));
    const cache = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = path.join(dir, "cache");
    try {
      const pulumi = fakePulumi(dir);
      const root = commandRoot(pulumi);
      expect(root.startsWith(path.join(dir, "cache", "switchyard"))).toBe(true);
      const run = spawnSync(path.join(root, "bin", "pulumi"), ["up", "--message", "it's a 'quoted' message"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
      expect(run.signal).toBeNull();
      expect(run.stdout).toContain("survived SIGINT");
      expect(run.stdout).toContain(`PATH starts with ${path.dirname(pulumi)}`);
      expect(run.stdout).toContain("arg=up\narg=--message\narg=it's a 'quoted' message\n");
      // The same stand-in started directly dies of its own SIGINT: the launcher is what keeps it alive.
      expect(spawnSync(pulumi, [], { encoding: "utf8" }).signal).toBe("SIGINT");
      // A second command reuses the launcher as it is.
      expect(commandRoot(pulumi)).toBe(root);
    } finally {
      if (cache === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = cache;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
