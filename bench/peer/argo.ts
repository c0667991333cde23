import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { ensureComponent } from "../../dev/bootstrap";
import { BootstrapError, goEnvironment } from "../../dev/lib/goBuild";
import { ARGO_ROLLOUTS, ARGO_ROLLOUTS_VERSION, TOOLS_DIR } from "../../dev/lib/toolchain";

/**
 * Argo Rollouts on the benchmark's cluster: the binaries (built on demand
 * into the toolchain cache), its CRDs (read from the module the wrapper
 * module pins, as the Istio CRDs are), and the controller as a local process
 * that talks to the API server through the cluster's kubeconfig.
 */

const MODULE = `github.com/argoproj/argo-rollouts@${ARGO_ROLLOUTS_VERSION}`;

export interface ArgoBinaries {
  readonly controller: string;
  readonly plugin: string;
}

/** Builds the controller and the kubectl plugin unless the cache has them (about 3 minutes the first time). */
export function argoBinaries(log: (line: string) => void): ArgoBinaries {
  const bin = path.join(ensureComponent(ARGO_ROLLOUTS, undefined, log), "bin");
  return { controller: path.join(bin, "rollouts-controller"), plugin: path.join(bin, "kubectl-argo-rollouts") };
}

/** The CRD files of the release (manifests/crds), from the Go module cache. */
export function argoCrdFiles(): string[] {
  const download = spawnSync("go", ["mod", "download", "-json", MODULE], { cwd: path.join(TOOLS_DIR, "argo-rollouts"), env: goEnvironment(), encoding: "utf8" });
  if (download.status !== 0) throw new BootstrapError(`cannot fetch ${MODULE}: ${download.stdout}${download.stderr}`);
  const dir = path.join(JSON.parse(download.stdout).Dir, "manifests", "crds");
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith("-crd.yaml"))
    .sort()
    .map((file) => path.join(dir, file));
}

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  } catch {
    return false;
  }
}

/** The running controller; `stop` ends it (and only it). */
export class ArgoController {
  private constructor(private readonly child: ChildProcess) {}

  /**
   * Starts rollouts-controller against the cluster and waits for its health
   * endpoint. Leader election is off (one instance). Its metrics and health
   * servers listen on ports picked here, since they bind to every interface.
   */
  static async start(binary: string, kubeconfig: string, logFile: string): Promise<ArgoController> {
    const [metricsPort, healthzPort] = [await freePort(), await freePort()];
    const log = fs.openSync(logFile, "a");
    const child = spawn(
      binary,
      ["--kubeconfig", kubeconfig, "--leader-elect=false", `--metricsport=${metricsPort}`, `--healthzPort=${healthzPort}`, "--loglevel=info"],
      { stdio: ["ignore", log, log] },
    );
    fs.closeSync(log);
    const controller = new ArgoController(child);
    const deadline = Date.now() + 120_000;
    while (!(await healthy(healthzPort))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        controller.stop();
        throw new Error(`rollouts-controller did not become healthy (exit ${child.exitCode}); see ${logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return controller;
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
  }
}

/** `kubectl argo rollouts <args>` against the cluster, as argv. */
export function pluginCommand(binaries: ArgoBinaries, kubeconfig: string, namespace: string, args: readonly string[]): string[] {
  return [binaries.plugin, "--kubeconfig", kubeconfig, "--namespace", namespace, ...args];
}
