import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { REDACTED, redactUrl } from "../../cli/pulumi/process";
import { installDebianPackage } from "./debianPackage";
import { BootstrapError } from "./goBuild";
import { LOCAL_DIR } from "./environment";

/**
 * A team's Pulumi state backend on this machine: a PostgreSQL server of its
 * own (Debian's `postgresql` package, never the package's `main` cluster),
 * run from a data folder outside git, listening on 127.0.0.1 only, with a
 * role and a database for the state and a password generated on first start.
 * The Pulumi CLI stores stacks, history and locks in it through its DIY
 * backend (`PULUMI_BACKEND_URL=postgres://...`; it creates its table itself).
 */

/** The instance `npm run backend -- start` runs. */
export const DEV_BACKEND = "switchyard";
/** Its port: not 5432, which the package's own cluster takes if someone starts it. */
export const DEV_BACKEND_PORT = 5433;
/** Where named instances live: one folder each, ignored by git with the rest of `.switchyard/`. */
export const BACKEND_ROOT = path.join(LOCAL_DIR, "postgres");

/** The login role Pulumi connects as, and the database it owns. */
export const BACKEND_ROLE = "switchyard";
export const BACKEND_DATABASE = "switchyard_state";
/** Only on loopback: a team reaches a shared server through its own network setup, not this one. */
export const BACKEND_HOST = "127.0.0.1";

/** Debian puts each major version's server here. */
const DEBIAN_POSTGRES_ROOT = "/usr/lib/postgresql";
/** initdb and postgres refuse to run as root; as root they run as the package's user. */
const SERVER_USER_WHEN_ROOT = "postgres";
/** Longest unix socket path the kernel takes (sun_path holds 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;
const START_TIMEOUT_SECONDS = 60;

// ---------------------------------------------------------------- pure parts

/**
 * A state backend URL as the Pulumi CLI takes it (its DIY backend, through
 * lib/pq): with the password in it, or with none and a `passfile` naming a
 * pgpass file that holds it. User, password and parameters are percent-encoded.
 */
export function backendUrl(parts: { port: number; password?: string; passfile?: string; user?: string; host?: string; database?: string; table?: string }): string {
  const user = encodeURIComponent(parts.user ?? BACKEND_ROLE);
  const password = parts.password === undefined ? "" : `:${encodeURIComponent(parts.password)}`;
  const params = [
    "sslmode=disable",
    ...(parts.passfile === undefined ? [] : [`passfile=${encodeURIComponent(parts.passfile)}`]),
    ...(parts.table === undefined ? [] : [`table=${encodeURIComponent(parts.table)}`]),
  ];
  return `postgres://${user}${password}@${parts.host ?? BACKEND_HOST}:${parts.port}/${parts.database ?? BACKEND_DATABASE}?${params.join("&")}`;
}

/** The pgpass line that gives the state role's password for the state database on loopback, on any port. */
export function pgpassLine(password: string): string {
  const escape = (field: string) => field.replace(/([\\:])/g, "\\$1");
  return `${BACKEND_HOST}:*:${BACKEND_DATABASE}:${BACKEND_ROLE}:${escape(password)}`;
}

/** What a redacted password reads as (Pulumi's own error messages use the same). */

/** Any text (a status line, a command's output) with every occurrence of the password, plain or percent-encoded, redacted. */
export function redactPassword(text: string, password: string): string {
  if (password === "") return text;
  return [password, encodeURIComponent(password)].reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

/** Instance names become folder names: keep them to what is safe there. */
export function checkInstanceName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)) {
    throw new BootstrapError(`invalid backend instance name "${name}": use lower-case letters, digits, "-" and "_" (at most 63)`);
  }
  return name;
}

/** What `postmaster.pid` says about a server (see PostgreSQL's pidfile.h for the line order). */
export interface PostmasterInfo {
  readonly pid: number;
  readonly port: number;
  readonly socketDir: string;
  readonly listenAddress: string;
  /** "ready" once it accepts connections, "starting" or "stopping" otherwise. */
  readonly status: string;
}

export function parsePostmasterPid(text: string): PostmasterInfo | undefined {
  const lines = text.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  return { pid, port, socketDir: lines[4]?.trim() ?? "", listenAddress: lines[5]?.trim() ?? "", status: lines[7]?.trim() ?? "" };
}

/** The settings the instance runs with, in a file of its own that postgresql.conf includes. */
export function serverSettings(options: { port: number; socketDir: string }): string {
  const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
  return [
    "# Written by switchyard (dev/lib/postgres.ts) on every start; edit the code, not this file.",
    `listen_addresses = ${quote(BACKEND_HOST)}`,
    `port = ${options.port}`,
    `unix_socket_directories = ${quote(options.socketDir)}`,
    "unix_socket_permissions = 0700",
    "password_encryption = 'scram-sha-256'",
    "",
  ].join("\n");
}

/** The port written in the settings file, if any. */
export function configuredPort(settings: string): number | undefined {
  const match = /^port = (\d+)$/m.exec(settings);
  return match === null ? undefined : Number(match[1]);
}

/** Client authentication: the server's OS user over the socket (peer), the state role by password over TCP, nobody else. */
export function hbaRules(superuser: string): string {
  return [
    "# Written by switchyard (dev/lib/postgres.ts) when the instance was created.",
    "# TYPE  DATABASE  USER  ADDRESS  METHOD",
    `local   all       ${superuser}  peer`,
    `host    ${BACKEND_DATABASE}  ${BACKEND_ROLE}  ${BACKEND_HOST}/32  scram-sha-256`,
    "",
  ].join("\n");
}

/** One status line; the URL is printed without its password. */
export function formatStatus(status: BackendStatus): string {
  if (!status.running) return `${status.name}: stopped${status.initialized ? ` (data in ${status.dir})` : " (not created yet)"}`;
  return `${status.name}: running (pid ${status.pid}), ${status.url}, password in ${status.passwordFile}, data in ${status.dir}`;
}

// ---------------------------------------------------------------- the package

/** A Debian PostgreSQL server's programs. */
export interface PostgresBinaries {
  readonly major: number;
  readonly binDir: string;
  readonly initdb: string;
  readonly pgCtl: string;
  readonly postgres: string;
  readonly psql: string;
}

/** The newest Debian-installed major version with a complete server, if any. */
export function findPostgres(root = DEBIAN_POSTGRES_ROOT): PostgresBinaries | undefined {
  if (!fs.existsSync(root)) return undefined;
  const majors = fs
    .readdirSync(root)
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .sort((a, b) => b - a);
  for (const major of majors) {
    const binDir = path.join(root, String(major), "bin");
    const binaries = {
      major,
      binDir,
      initdb: path.join(binDir, "initdb"),
      pgCtl: path.join(binDir, "pg_ctl"),
      postgres: path.join(binDir, "postgres"),
      psql: path.join(binDir, "psql"),
    };
    if ([binaries.initdb, binaries.pgCtl, binaries.postgres, binaries.psql].every((file) => fs.existsSync(file))) return binaries;
  }
  return undefined;
}

/**
 * The state backend tests and `npm run backend` need a PostgreSQL server. It
 * comes from Debian's package (apt, as root); the package's own cluster and
 * service are never used: every instance is ours, on its own port.
 */
export function ensurePostgres(log: (line: string) => void): PostgresBinaries {
  const found = findPostgres();
  if (found !== undefined) {
    log(`postgresql: installed (${found.major}, ${found.binDir})`);
    return found;
  }
  installDebianPackage("postgresql", () => findPostgres() !== undefined, log);
  const installed = findPostgres()!;
  log(`postgresql: ${installed.major} in ${installed.binDir}`);
  return installed;
}

// ---------------------------------------------------------------- an instance

/** Who runs the server: the package's `postgres` user when we are root, else ourselves. */
interface ServerUser {
  readonly name: string;
  /** Set when we are root: files we write must be handed over, commands run through runuser. */
  readonly ids?: { uid: number; gid: number };
}

function serverUser(): ServerUser {
  if (process.getuid?.() !== 0) return { name: os.userInfo().username };
  const id = (flag: string) => spawnSync("id", [flag, SERVER_USER_WHEN_ROOT], { encoding: "utf8" });
  const uid = id("-u");
  const gid = id("-g");
  if (uid.status !== 0 || gid.status !== 0) {
    throw new BootstrapError(`PostgreSQL refuses to run as root and there is no "${SERVER_USER_WHEN_ROOT}" user (Debian's postgresql package creates it)`);
  }
  return { name: SERVER_USER_WHEN_ROOT, ids: { uid: Number(uid.stdout), gid: Number(gid.stdout) } };
}

export interface BackendStartResult {
  readonly url: string;
  /** False when it was running already. */
  readonly started: boolean;
  /** True when this start created the data folder (initdb, role, database, password). */
  readonly created: boolean;
  readonly seconds: number;
}

export interface BackendStatus {
  readonly name: string;
  readonly dir: string;
  readonly running: boolean;
  readonly initialized: boolean;
  readonly pid?: number;
  readonly port?: number;
  /** Without the password. */
  readonly url?: string;
  readonly passwordFile: string;
}

export interface BackendOptions {
  /** The instance's folder. @default `.switchyard/postgres/<name>` in this clone */
  readonly dir?: string;
  /** Port on 127.0.0.1. @default the port it was created with, else DEV_BACKEND_PORT */
  readonly port?: number;
  readonly log?: (line: string) => void;
}

/**
 * One local PostgreSQL instance holding Pulumi state. Its folder holds
 * `data/` (the cluster, owned by the server's user, with the unix socket in
 * it), `password` (mode 0600), and `server.log`. Every method is synchronous
 * and idempotent: `start` on a running instance returns its URL, `stop` on a
 * stopped one does nothing.
 */
export class BackendInstance {
  readonly dir: string;
  readonly dataDir: string;
  readonly passwordFile: string;
  /** The password again, as a pgpass file (mode 0600) for `passfileUrl`. */
  readonly pgpassFile: string;
  readonly logFile: string;
  private readonly settingsFile: string;
  private readonly setupMarker: string;
  private readonly log: (line: string) => void;
  private requestedPort: number | undefined;

  constructor(
    readonly name: string,
    options: BackendOptions = {},
  ) {
    checkInstanceName(name);
    this.dir = path.resolve(options.dir ?? path.join(BACKEND_ROOT, name));
    this.dataDir = path.join(this.dir, "data");
    this.passwordFile = path.join(this.dir, "password");
    this.pgpassFile = path.join(this.dir, "pgpass");
    this.logFile = path.join(this.dir, "server.log");
    this.settingsFile = path.join(this.dataDir, "switchyard.conf");
    this.setupMarker = path.join(this.dir, "created");
    this.log = options.log ?? (() => {});
    this.requestedPort = options.port;
  }

  /** The port it runs on, or will run on. */
  get port(): number {
    const running = this.postmaster();
    if (running !== undefined) return running.port;
    if (this.requestedPort !== undefined) return this.requestedPort;
    const settings = fs.existsSync(this.settingsFile) ? configuredPort(fs.readFileSync(this.settingsFile, "utf8")) : undefined;
    return settings ?? DEV_BACKEND_PORT;
  }

  /** The generated password; only once the instance has been created. */
  get password(): string {
    if (!fs.existsSync(this.passwordFile)) throw new Error(`backend ${this.name} has no password yet: start it first`);
    return fs.readFileSync(this.passwordFile, "utf8").trim();
  }

  /** `postgres://switchyard:<password>@127.0.0.1:<port>/switchyard_state?sslmode=disable` */
  get url(): string {
    return backendUrl({ password: this.password, port: this.port });
  }

  /**
   * The same backend with no secret in the URL: the password comes from
   * `pgpassFile`. Use it wherever the URL may be printed: the Pulumi CLI
   * prints its backend URL as given in `whoami -v` and in "unable to open
   * state database" errors (a wrong password, a server that is down).
   */
  get passfileUrl(): string {
    return backendUrl({ port: this.port, passfile: this.pgpassFile });
  }

  get initialized(): boolean {
    return fs.existsSync(this.setupMarker);
  }

  /** Creates the instance on first use, then starts the server unless it runs already; returns the URL. */
  start(): BackendStartResult {
    const began = Date.now();
    const running = this.postmaster();
    if (running !== undefined && this.initialized) {
      if (this.requestedPort !== undefined && this.requestedPort !== running.port) {
        throw new BootstrapError(`backend ${this.name} is already running on port ${running.port}, not ${this.requestedPort}: stop it first`);
      }
      return { url: this.url, started: false, created: false, seconds: 0 };
    }
    const binaries = ensurePostgres(this.log);
    const user = serverUser();
    const created = !this.initialized;
    if (!fs.existsSync(path.join(this.dataDir, "PG_VERSION"))) this.initdb(binaries, user);
    const port = this.port;
    this.requestedPort = port;
    this.writeServerFile(user, this.settingsFile, serverSettings({ port, socketDir: this.dataDir }));
    if (running === undefined) {
      this.log(`starting PostgreSQL ${binaries.major} on ${BACKEND_HOST}:${port} (data in ${this.dataDir})`);
      const result = this.asServer(user, binaries.pgCtl, ["start", "-D", this.dataDir, "-l", this.logFile, "-w", "-t", String(START_TIMEOUT_SECONDS), "-s"]);
      if (result.status !== 0) {
        throw new BootstrapError(`PostgreSQL did not start (backend ${this.name}, port ${port}): ${output(result)}\n${this.logTail()}`);
      }
    }
    if (created) this.createRoleAndDatabase(binaries, user);
    fs.writeFileSync(this.pgpassFile, `${pgpassLine(this.password)}\n`, { mode: 0o600 });
    return { url: this.url, started: running === undefined, created, seconds: (Date.now() - began) / 1000 };
  }

  /**
   * Stops the server; false when it was not running. `fast` ends sessions
   * and shuts down cleanly; `immediate` is a crash as far as clients and the
   * next start are concerned (recovery runs then).
   */
  stop(mode: "fast" | "immediate" = "fast"): boolean {
    const running = this.postmaster();
    if (running === undefined) return false;
    const binaries = findPostgres();
    if (binaries === undefined) throw new BootstrapError("PostgreSQL's programs are gone: cannot stop the server cleanly");
    this.log(`stopping PostgreSQL (backend ${this.name}, pid ${running.pid}, ${mode})`);
    const result = this.asServer(serverUser(), binaries.pgCtl, ["stop", "-D", this.dataDir, "-m", mode, "-w", "-t", String(START_TIMEOUT_SECONDS), "-s"]);
    if (result.status !== 0 && this.postmaster() !== undefined) {
      throw new BootstrapError(`PostgreSQL did not stop (backend ${this.name}): ${output(result)}`);
    }
    return true;
  }

  isRunning(): boolean {
    return this.postmaster() !== undefined;
  }

  status(): BackendStatus {
    const running = this.postmaster();
    const base = { name: this.name, dir: this.dir, running: running !== undefined, initialized: this.initialized, passwordFile: this.passwordFile };
    if (running === undefined) return base;
    return { ...base, pid: running.pid, port: running.port, url: redactUrl(this.url) };
  }

  /**
   * Runs SQL as the server's superuser over the unix socket (never over TCP)
   * and returns psql's unaligned, tuples-only output. For tests and repairs:
   * Pulumi itself only ever connects with the URL.
   */
  sql(statements: string, database = BACKEND_DATABASE): string {
    const binaries = findPostgres();
    if (binaries === undefined || !this.isRunning()) throw new Error(`backend ${this.name} is not running`);
    const user = serverUser();
    const result = this.asServer(user, binaries.psql, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", this.dataDir, "-p", String(this.port), "-U", user.name, "-d", database], statements);
    if (result.status !== 0) throw new Error(`psql failed on backend ${this.name}: ${output(result)}`);
    return result.stdout;
  }

  /** Stops the server and deletes the instance's folder: its state, password and log. */
  remove(): void {
    this.stop("immediate");
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The running server, read from postmaster.pid (a stale file of a dead process counts as stopped). */
  private postmaster(): PostmasterInfo | undefined {
    const pidFile = path.join(this.dataDir, "postmaster.pid");
    if (!fs.existsSync(pidFile)) return undefined;
    const info = parsePostmasterPid(fs.readFileSync(pidFile, "utf8"));
    return info !== undefined && processAlive(info.pid) ? info : undefined;
  }

  private initdb(binaries: PostgresBinaries, user: ServerUser): void {
    const socket = path.join(this.dataDir, `.s.PGSQL.${this.port}`);
    if (socket.length > MAX_SOCKET_PATH) {
      throw new BootstrapError(`the folder ${this.dir} is too deep for PostgreSQL's unix socket (${socket.length} > ${MAX_SOCKET_PATH} bytes): choose a shorter one`);
    }
    // Folders above with the default mode: the server's user must pass through them.
    fs.mkdirSync(path.dirname(this.dir), { recursive: true });
    fs.mkdirSync(this.dir, { recursive: true });
    fs.chmodSync(this.dir, 0o700);
    if (user.ids !== undefined) fs.chownSync(this.dir, user.ids.uid, user.ids.gid);
    const reachable = this.asServer(user, "test", ["-w", this.dir, "-a", "-x", this.dir]);
    if (reachable.status !== 0) {
      throw new BootstrapError(`the "${user.name}" user cannot reach ${this.dir}: every folder above it must be searchable (chmod o+x)`);
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    if (!fs.existsSync(this.passwordFile)) {
      // Hex only: nothing to escape in a URL, a shell or SQL. Only the invoking user can read it.
      fs.writeFileSync(this.passwordFile, `${randomBytes(24).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    }
    this.log(`creating PostgreSQL ${binaries.major} instance ${this.name} in ${this.dataDir}`);
    const result = this.asServer(user, binaries.initdb, [
      "-D",
      this.dataDir,
      "-U",
      user.name,
      "--auth-local=peer",
      "--auth-host=scram-sha-256",
      "--no-locale",
      "-E",
      "UTF8",
      "--no-instructions",
    ]);
    if (result.status !== 0) throw new BootstrapError(`initdb failed for backend ${this.name}: ${output(result)}`);
    this.writeServerFile(user, path.join(this.dataDir, "pg_hba.conf"), hbaRules(user.name));
    fs.appendFileSync(path.join(this.dataDir, "postgresql.conf"), "\n# switchyard's settings (dev/lib/postgres.ts)\ninclude_if_exists 'switchyard.conf'\n");
  }

  /** The role and its database, once, over the unix socket: the password goes through stdin, never argv. */
  private createRoleAndDatabase(binaries: PostgresBinaries, user: ServerUser): void {
    const password = this.password;
    if (!/^[0-9a-f]+$/.test(password)) throw new BootstrapError(`the password in ${this.passwordFile} is not what this tool writes (hex)`);
    const statements = [
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${BACKEND_ROLE}') THEN CREATE ROLE ${BACKEND_ROLE} LOGIN; END IF; END $$;`,
      `ALTER ROLE ${BACKEND_ROLE} WITH LOGIN PASSWORD '${password}';`,
      `SELECT 'CREATE DATABASE ${BACKEND_DATABASE} OWNER ${BACKEND_ROLE}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${BACKEND_DATABASE}') \\gexec`,
      `REVOKE ALL ON DATABASE ${BACKEND_DATABASE} FROM PUBLIC;`,
      "",
    ].join("\n");
    const result = this.asServer(
      user,
      binaries.psql,
      ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", this.dataDir, "-p", String(this.port), "-U", user.name, "-d", "postgres"],
      statements,
    );
    if (result.status !== 0) throw new BootstrapError(`could not create the role and database of backend ${this.name}: ${redactPassword(output(result), password)}`);
    fs.writeFileSync(this.setupMarker, `${new Date().toISOString()}\n`);
  }

  private writeServerFile(user: ServerUser, file: string, content: string): void {
    fs.writeFileSync(file, content, { mode: 0o600 });
    if (user.ids !== undefined) fs.chownSync(file, user.ids.uid, user.ids.gid);
  }

  /** Runs one of the server's programs as the server's user, in the instance's folder, with no PG* variables of ours. */
  private asServer(user: ServerUser, command: string, args: readonly string[], input?: string): SpawnSyncReturns<string> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PG")));
    const argv = user.ids === undefined ? [command, ...args] : ["runuser", "-u", user.name, "--", command, ...args];
    const cwd = fs.existsSync(this.dir) ? this.dir : os.tmpdir();
    return spawnSync(argv[0]!, argv.slice(1), { cwd, env: { ...env, LC_ALL: "C" }, encoding: "utf8", input: input ?? "", timeout: (START_TIMEOUT_SECONDS + 30) * 1000 });
  }

  private logTail(): string {
    if (!fs.existsSync(this.logFile)) return "";
    return `last lines of ${this.logFile}:\n${fs.readFileSync(this.logFile, "utf8").trim().split("\n").slice(-10).join("\n")}`;
  }
}

/**
 * Whether a process runs. A zombie does not: the server's postmaster is
 * reparented to PID 1 when pg_ctl exits, and until PID 1 reaps it,
 * `kill(pid, 0)` still succeeds on it.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": the state follows the last ")".
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

function output(result: SpawnSyncReturns<string>): string {
  return `${result.error?.message ?? ""}${result.stdout ?? ""}${result.stderr ?? ""}`.trim() || `exit ${result.status}`;
}

// ---------------------------------------------------------------- named instances

/** Starts (creating on first use) a named instance; idempotent. The URL is on the result. */
export function startBackend(name: string = DEV_BACKEND, options: BackendOptions = {}): BackendStartResult & { instance: BackendInstance } {
  const instance = new BackendInstance(name, options);
  return { ...instance.start(), instance };
}

/** Stops a named instance; false when it was not running. */
export function stopBackend(name: string = DEV_BACKEND, options: BackendOptions = {}): boolean {
  return new BackendInstance(name, options).stop();
}

export function backendStatus(name: string = DEV_BACKEND, options: BackendOptions = {}): BackendStatus {
  return new BackendInstance(name, options).status();
}

/** A free loopback port: bound and released, for a server that takes its port as a setting. */
export async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, BACKEND_HOST, resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A throwaway instance for tests: a temporary folder and a free port.
 * `remove()` stops it and deletes everything.
 */
export async function startTemporaryBackend(log: (line: string) => void = () => {}): Promise<BackendInstance & { readonly startResult: BackendStartResult }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-pg-"));
  const instance = new BackendInstance("test", { dir, port: await freeLoopbackPort(), log });
  try {
    return Object.assign(instance, { startResult: instance.start() });
  } catch (error) {
    instance.remove();
    throw error;
  }
}
