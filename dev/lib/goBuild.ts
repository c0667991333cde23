import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { TOOLS_DIR, type Component, type GoBuild } from "./toolchain";

/** Why a Go step failed, in words that tell the user what to do. */
export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BootstrapError";
  }
}

/**
 * The checksum database does not know several github.com/pulumi modules; the
 * committed go.sum files still pin every hash.
 */
export function goEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, GONOSUMDB: "github.com/pulumi", GOFLAGS: "-mod=readonly", CGO_ENABLED: "0" };
}

export function goVersion(): string {
  const result = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new BootstrapError(
      "Go is needed to build the Pulumi engine, the Kubernetes provider and our language host, and `go` was not found on PATH. Install Go 1.26 (the machine image ships it) and run again.",
    );
  }
  return result.stdout.trim();
}

/** Turns go's own error output into the cause a user can act on. */
export function explainGoFailure(step: string, output: string): string {
  const refused = output.match(/([\w./-]+@v[\w.+-]+): .*(403 Forbidden|404 Not Found|not available|not found)/);
  if (refused) {
    return `${step}: the Go module proxy refused ${refused[1]} (${refused[2]}). That module version cannot be had here; use a pin verified in the toolchain notes instead of changing it.`;
  }
  if (/dial tcp|no such host|i\/o timeout|connection refused|TLS handshake timeout/.test(output)) {
    return `${step}: the Go module proxy cannot be reached (${firstLine(output)}). The bootstrap needs it once per machine to download modules; check GOPROXY and the network.`;
  }
  return `${step} failed:\n${tail(output, 40)}`;
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => /dial tcp|no such host|timeout|refused/.test(line))?.trim() ?? "";
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function run(step: string, argv: readonly string[], cwd: string): string {
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd, env: goEnvironment(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.error) throw new BootstrapError(`${step}: ${result.error.message}`);
  if (result.status !== 0) throw new BootstrapError(explainGoFailure(step, output));
  return result.stdout.trim();
}

/** `{module-dir:M}` in a prepare command is the folder of module M in Go's module cache. */
function expandPrepare(argv: readonly string[], moduleFolder: string): string[] {
  return argv.map((arg) => {
    const match = arg.match(/^\{module-dir:(.+)\}$/);
    if (!match) return arg;
    run(`downloading ${match[1]}`, ["go", "mod", "download", match[1]!], moduleFolder);
    return run(`locating ${match[1]}`, ["go", "list", "-m", "-f", "{{.Dir}}", match[1]!], moduleFolder);
  });
}

function buildOne(build: GoBuild, outDir: string, log: (line: string) => void): void {
  const moduleFolder = path.join(TOOLS_DIR, build.module);
  if (build.prepare) {
    log(`  preparing ${build.binary} (${build.prepare.slice(0, 3).join(" ")})`);
    run(`preparing ${build.binary}`, expandPrepare(build.prepare, moduleFolder), moduleFolder);
  }
  const started = Date.now();
  log(`  building ${build.binary} from tools/${build.module} ...`);
  const argv = ["go", "build", "-trimpath", "-ldflags", build.ldflags, "-o", path.join(outDir, build.binary)];
  if (build.tags) argv.push("-tags", build.tags);
  argv.push(build.pkg);
  run(`building ${build.binary}`, argv, moduleFolder);
  const size = fs.statSync(path.join(outDir, build.binary)).size;
  log(`  built ${build.binary} in ${seconds(started)} s (${(size / 1e6).toFixed(0)} MB)`);
}

/**
 * Builds every binary of a component into `<dir>/bin`, then writes the
 * `complete` marker. A failed or interrupted build leaves no marker, so the
 * next run builds again.
 */
export function buildComponent(component: Component, dir: string, log: (line: string) => void): void {
  const started = Date.now();
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.join(staging, "bin"), { recursive: true });
  log(`building ${component.description}`);
  try {
    for (const build of component.builds) buildOne(build, path.join(staging, "bin"), log);
    fs.writeFileSync(path.join(staging, "complete"), `${new Date().toISOString()}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`${component.name} ready in ${seconds(started)} s: ${path.join(dir, "bin")}`);
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
