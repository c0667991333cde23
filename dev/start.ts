import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { bootstrap } from "./bootstrap";
import { DEV_CLUSTER, kubeconfigPath, startCluster } from "./lib/cluster";
import { BootstrapError } from "./lib/goBuild";
import { runPulumi, type PulumiEnvironment } from "../cli/pulumi/process";
import { pulumiEnvironment } from "./lib/environment";
import { PROJECT_ROOT } from "./lib/toolchain";

const STACK = "dev";

/**
 * `npm start`: build the toolchain if needed, bring up the local cluster
 * unless the dev stack is configured for another cluster or for render mode,
 * then deploy the dev stack with the real CLI and print its status.
 */
function start(): void {
  bootstrap();
  const environment = pulumiEnvironment();
  runPulumi(environment, ["stack", "select", STACK, "--create", "--non-interactive"]);
  const target = deploymentTarget(environment);
  console.log(`\ndeploying the ${STACK} stack to ${target}`);
  // --refresh: a local cluster that was stopped comes back empty, and the state must learn that first.
  console.log(`$ pulumi up --yes --refresh --stack ${STACK}`);
  runPulumi(environment, ["up", "--yes", "--refresh", "--stack", STACK, "--non-interactive"], { inherit: true });
  report(environment);
}

/** Starts the local cluster when the stack points at it (or at nothing), and says where the stack deploys. */
function deploymentTarget(environment: PulumiEnvironment): string {
  const renderDir = configValue(environment, "kubernetes:renderYamlToDirectory");
  if (renderDir !== undefined) return `manifests in ${path.resolve(environment.projectDir, renderDir)} (render mode)`;

  const localKubeconfig = path.relative(environment.projectDir, kubeconfigPath(DEV_CLUSTER));
  const configured = configValue(environment, "kubernetes:kubeconfig");
  if (configured === undefined) {
    runPulumi(environment, ["config", "set", "kubernetes:kubeconfig", localKubeconfig, "--stack", STACK]);
    console.log(`kubernetes:kubeconfig was not set: pointed the ${STACK} stack at the local cluster (${localKubeconfig})`);
  } else if (path.resolve(environment.projectDir, configured) !== kubeconfigPath(DEV_CLUSTER)) {
    return `the cluster of kubeconfig ${configured}`;
  }
  const cluster = startCluster(DEV_CLUSTER, (line) => console.log(`[cluster] ${line}`));
  console.log(cluster.started ? `[cluster] started in ${cluster.seconds.toFixed(1)} s` : "[cluster] already running");
  return `the local cluster ${DEV_CLUSTER} (kubeconfig ${localKubeconfig})`;
}

/** The stack output, then the same table as `switchyard status` (one renderer for both). */
function report(environment: PulumiEnvironment): void {
  const output = runPulumi(environment, ["stack", "output", "services", "--json", "--stack", STACK]).stdout;
  console.log(`\nservices output (pulumi stack output services --json):\n${output}`);
  console.log(`$ switchyard status --stack ${STACK}`);
  const command = [path.join(PROJECT_ROOT, "bin", "switchyard.js"), "--stack", STACK, "--cwd", environment.projectDir, "status"];
  const status = spawnSync(process.execPath, command, { stdio: "inherit" });
  if (status.status !== 0) throw new Error(`switchyard status exited with ${status.status ?? status.signal}`);
}

function configValue(environment: PulumiEnvironment, key: string): string | undefined {
  const result = runPulumi(environment, ["config", "get", key, "--stack", STACK], { allowFailure: true });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

try {
  start();
} catch (error) {
  console.error(error instanceof BootstrapError ? `[start] ${error.message}` : error instanceof Error ? error.message : error);
  process.exit(1);
}
