import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redactUrl } from "../../../cli/pulumi/process";
import {
  backendUrl,
  checkInstanceName,
  configuredPort,
  findPostgres,
  formatStatus,
  pgpassLine,
  hbaRules,
  parsePostmasterPid,
  redactPassword,
  serverSettings,
} from "../../../dev/lib/postgres";

const PASSWORD = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";

describe("the state backend URL", () => {
  it("names the role, loopback, the instance's port and its own database, without TLS", () => {
    expect(backendUrl({ password: PASSWORD, port: 5433 })).toBe(`postgres://switchyard:${PASSWORD}@127.0.0.1:5433/switchyard_state?sslmode=disable`);
  });

  it("percent-encodes a user and password that are not URL-safe, and can name Pulumi's table", () => {
    const url = backendUrl({ user: "ops team", password: "p@ss:w/rd?#", port: 6000, database: "state", table: "team_a" });
    expect(url).toBe("postgres://ops%20team:p%40ss%3Aw%2Frd%3F%23@127.0.0.1:6000/state?sslmode=disable&table=team_a");
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe("p@ss:w/rd?#");
    expect(parsed.searchParams.get("table")).toBe("team_a");
  });
});

describe("the state backend URL without a secret in it", () => {
  it("leaves the password out and names a pgpass file instead", () => {
    const url = backendUrl({ port: 5433, passfile: "/repo/.switchyard/postgres/switchyard/pgpass" });
    expect(url).toBe("postgres://switchyard@127.0.0.1:5433/switchyard_state?sslmode=disable&passfile=%2Frepo%2F.switchyard%2Fpostgres%2Fswitchyard%2Fpgpass");
    expect(new URL(url).password).toBe("");
    expect(new URL(url).searchParams.get("passfile")).toBe("/repo/.switchyard/postgres/switchyard/pgpass");
  });

  it("the pgpass line matches the state role and database on loopback, on any port, with : and \\ escaped", () => {
    expect(pgpassLine(PASSWORD)).toBe(`127.0.0.1:*:switchyard_state:switchyard:${PASSWORD}`);
    expect(pgpassLine("a:b\\c")).toBe("127.0.0.1:*:switchyard_state:switchyard:a\\:b\\\\c");
  });
});

describe("printing a URL or a line without the password", () => {
  it("replaces the password of a URL and keeps everything else", () => {
    expect(redactUrl(backendUrl({ password: PASSWORD, port: 5433 }))).toBe("postgres://switchyard:****@127.0.0.1:5433/switchyard_state?sslmode=disable");
    expect(redactUrl("postgres://u:p%40ss@db.example.com:5432/x?table=t")).toBe("postgres://u:****@db.example.com:5432/x?table=t");
  });

  it("leaves a URL that has no password alone", () => {
    for (const url of ["postgres://switchyard@127.0.0.1:5433/db", "file:///work/.switchyard/state", "postgres://127.0.0.1:5433/db?user=a:b@c"]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it("removes the password from any text, plain or percent-encoded", () => {
    const text = `failed: postgres://switchyard:${PASSWORD}@127.0.0.1:5433/x and p%40ss, p@ss`;
    expect(redactPassword(text, PASSWORD)).not.toContain(PASSWORD);
    expect(redactPassword("login p%40ss then p@ss", "p@ss")).toBe("login **** then ****");
    expect(redactPassword("unchanged", "")).toBe("unchanged");
  });

  it("status lines never carry the password", () => {
    const running = formatStatus({
      name: "switchyard",
      dir: "/repo/.switchyard/postgres/switchyard",
      running: true,
      initialized: true,
      pid: 4242,
      port: 5433,
      url: redactUrl(backendUrl({ password: PASSWORD, port: 5433 })),
      passwordFile: "/repo/.switchyard/postgres/switchyard/password",
    });
    expect(running).toBe(
      "switchyard: running (pid 4242), postgres://switchyard:****@127.0.0.1:5433/switchyard_state?sslmode=disable, " +
        "password in /repo/.switchyard/postgres/switchyard/password, data in /repo/.switchyard/postgres/switchyard",
    );
    expect(running).not.toContain(PASSWORD);
    const stopped = { name: "team", dir: "/d", running: false, passwordFile: "/d/password" };
    expect(formatStatus({ ...stopped, initialized: true })).toBe("team: stopped (data in /d)");
    expect(formatStatus({ ...stopped, initialized: false })).toBe("team: stopped (not created yet)");
  });
});

describe("instance names", () => {
  it("become folder names, so only safe ones are taken", () => {
    for (const name of ["switchyard", "team-a", "e2e_2"]) expect(checkInstanceName(name)).toBe(name);
    for (const name of ["", "../etc", "a/b", "Team", "-x", ".hidden", "x".repeat(64)]) expect(() => checkInstanceName(name)).toThrow(/invalid backend instance name/);
  });
});

describe("the server's files", () => {
  it("postmaster.pid: pid, port, socket folder, listen address and readiness", () => {
    const text = "20229\n/repo/.switchyard/postgres/switchyard/data\n1764515555\n5433\n/repo/.switchyard/postgres/switchyard/data\n127.0.0.1\n  5433001    327680\nready   \n";
    expect(parsePostmasterPid(text)).toEqual({
      pid: 20229,
      port: 5433,
      socketDir: "/repo/.switchyard/postgres/switchyard/data",
      listenAddress: "127.0.0.1",
      status: "ready",
    });
    expect(parsePostmasterPid("")).toBeUndefined();
    expect(parsePostmasterPid("garbage\n")).toBeUndefined();
  });

  it("the settings listen on loopback only, on the instance's port, with the socket in its folder", () => {
    const settings = serverSettings({ port: 40123, socketDir: "/tmp/it's/data" });
    expect(settings).toContain("listen_addresses = '127.0.0.1'\n");
    expect(settings).toContain("unix_socket_directories = '/tmp/it''s/data'\n");
    expect(settings).toContain("password_encryption = 'scram-sha-256'\n");
    expect(configuredPort(settings)).toBe(40123);
    expect(configuredPort("# nothing\n")).toBeUndefined();
  });

  it("pg_hba: peer for the server's own user on the socket, a password for the state role over TCP, nothing else", () => {
    const rules = hbaRules("postgres")
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => line.split(/\s+/));
    expect(rules).toEqual([
      ["local", "all", "postgres", "peer"],
      ["host", "switchyard_state", "switchyard", "127.0.0.1/32", "scram-sha-256"],
    ]);
  });
});

describe("finding Debian's server programs", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-pgroot-"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const install = (major: string, programs: string[]) => {
    fs.mkdirSync(path.join(root, major, "bin"), { recursive: true });
    for (const program of programs) fs.writeFileSync(path.join(root, major, "bin", program), "");
  };

  it("takes the newest major version that has a complete server", () => {
    install("13", ["initdb", "pg_ctl", "postgres", "psql"]);
    install("15", ["initdb", "pg_ctl", "postgres", "psql"]);
    install("16", ["psql"]); // a client only
    const found = findPostgres(root);
    expect(found?.major).toBe(15);
    expect(found?.initdb).toBe(path.join(root, "15", "bin", "initdb"));
    expect(found?.pgCtl).toBe(path.join(root, "15", "bin", "pg_ctl"));
  });

  it("finds nothing where nothing is installed", () => {
    expect(findPostgres(root)).toBeUndefined();
    expect(findPostgres(path.join(root, "missing"))).toBeUndefined();
  });
});
