import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { BootstrapError, goEnvironment, goVersion } from "./goBuild";
import { LOCAL_DIR } from "./environment";
import { binDir, ETCD, GATEWAY_API_MODULE_VERSION, isBuilt, ISTIO_API_MODULE_VERSION, KUBERNETES, KWOK, PROJECT_ROOT, TOOLS_DIR } from "./toolchain";

/**
 * A hermetic Kubernetes cluster on this machine: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler run as local processes under
 * kwokctl, KWOK simulates nodes and pod lifecycles (no container runtime),
 * and Istio's and the Gateway API's CRDs are installed so the API server
 * validates VirtualServices, DestinationRules and HTTPRoutes against their
 * real schemas. Everything binds to loopback.
 */

/** The cluster `npm start` deploys the dev stack into. */
export const DEV_CLUSTER = "switchyard";
/**
 * The end-to-end tests' own cluster, so tests never disturb a developer's dev
 * deployment; SWITCHYARD_E2E_CLUSTER names another for a second run alongside.
 */
export const TEST_CLUSTER = process.env.SWITCHYARD_E2E_CLUSTER ?? "switchyard-e2e";

const KWOK_WORKDIR = path.join(LOCAL_DIR, "kwok");
const STAGES_FILE = path.join(PROJECT_ROOT, "dev", "cluster", "stages.yaml");
const ISTIO_CRDS = ["virtualservices.networking.istio.io", "destinationrules.networking.istio.io"];
const GATEWAY_API_CRDS = ["httproutes.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io"];
const SIMULATED_NODES = 2;

export interface ClusterTools {
  readonly kwokctl: string;
  readonly kubectl: string;
  readonly env: NodeJS.ProcessEnv;
  readonly binaries: Record<"kubeApiserverBinary" | "kubeControllerManagerBinary" | "kubeSchedulerBinary" | "kubectlBinary" | "kwokControllerBinary" | "etcdBinary", string>;
}

export function clusterTools(): ClusterTools {
  const go = goVersion();
  for (const component of [ETCD, KWOK, KUBERNETES]) {
    if (!isBuilt(component, go)) throw new BootstrapError(`${component.description} is not built yet: run \`npm run bootstrap\`.`);
  }
  const kubernetes = binDir(KUBERNETES, go);
  const kwok = binDir(KWOK, go);
  return {
    kwokctl: path.join(kwok, "kwokctl"),
    kubectl: path.join(kubernetes, "kubectl"),
    // kwokctl looks for kubectl on PATH; KWOK_WORKDIR keeps its clusters inside this clone's ignored folder.
    env: { ...process.env, KWOK_WORKDIR, PATH: `${kubernetes}${path.delimiter}${process.env.PATH ?? ""}` },
    binaries: {
      kubeApiserverBinary: path.join(kubernetes, "kube-apiserver"),
      kubeControllerManagerBinary: path.join(kubernetes, "kube-controller-manager"),
      kubeSchedulerBinary: path.join(kubernetes, "kube-scheduler"),
      kubectlBinary: path.join(kubernetes, "kubectl"),
      kwokControllerBinary: path.join(kwok, "kwok"),
      etcdBinary: path.join(binDir(ETCD, go), "etcd"),
    },
  };
}

/**
 * kwokctl adds every cluster to ~/.kube/config and makes it the current
 * context unless given another file. We never touch the user's kubeconfig:
 * kwokctl gets a file of its own beside the cluster's (it refuses an empty
 * path on delete), and a stray current context can no longer make tools
 * that fall back to the default (the provider in render mode, kubectl) talk
 * to a test cluster.
 */
function leaveUserKubeconfig(name: string): string[] {
  return [`--kubeconfig=${path.join(KWOK_WORKDIR, `${name}.contexts.yaml`)}`];
}

export function kubeconfigPath(name: string): string {
  return path.join(KWOK_WORKDIR, "clusters", name, "kubeconfig.yaml");
}

/** The API server's audit log, written when the cluster was started with an audit policy. */
export function auditLogPath(name: string): string {
  return path.join(KWOK_WORKDIR, "clusters", name, "logs", "audit.log");
}

function run(tools: ClusterTools, command: string, args: readonly string[], options: { allowFailure?: boolean; timeoutMs?: number } = {}) {
  const result = spawnSync(command, [...args], { env: tools.env, encoding: "utf8", timeout: options.timeoutMs ?? 300_000 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if ((result.status !== 0 || result.error) && !options.allowFailure) {
    throw new Error(`${path.basename(command)} ${args.join(" ")} failed:\n${output}${result.error?.message ?? ""}`);
  }
  return { ok: result.status === 0 && !result.error, output, stdout: result.stdout ?? "" };
}

/** kubectl against one local cluster. */
export function kubectl(name: string, args: readonly string[], options: { allowFailure?: boolean; timeoutMs?: number } = {}) {
  const tools = clusterTools();
  return run(tools, tools.kubectl, ["--kubeconfig", kubeconfigPath(name), ...args], options);
}

export function isRunning(name: string): boolean {
  if (!fs.existsSync(kubeconfigPath(name))) return false;
  return kubectl(name, ["get", "--raw", "/readyz", "--request-timeout=5s"], { allowFailure: true, timeoutMs: 10_000 }).ok;
}

/** How a cluster differs from the default one. */
export interface ClusterOptions {
  /** KWOK Stage objects for its nodes and pods. @default dev/cluster/stages.yaml */
  readonly stagesFile?: string;
  /** An audit policy for the API server; the log is then at `auditLogPath(name)`. @default no audit log */
  readonly auditPolicyFile?: string;
}

/** kwokctl's configuration: loopback only, our binaries, our pod and node behaviour. */
function writeClusterConfig(name: string, tools: ClusterTools, options: ClusterOptions): string {
  const file = path.join(KWOK_WORKDIR, `${name}.kwokctl.yaml`);
  const audit = options.auditPolicyFile === undefined ? {} : { kubeAuditPolicy: options.auditPolicyFile };
  const settings = Object.entries({ runtime: "binary", bindAddress: "127.0.0.1", ...tools.binaries, ...audit })
    .map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`)
    .join("\n");
  const stages = fs.readFileSync(options.stagesFile ?? STAGES_FILE, "utf8");
  const config = `apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokctlConfiguration\noptions:\n${settings}\n---\n${stages}`;
  fs.mkdirSync(KWOK_WORKDIR, { recursive: true });
  fs.writeFileSync(file, config);
  return file;
}

/** The directory of a Go module version in the module cache, fetched from the tools/ module that pins it. */
function moduleDir(toolsModule: string, module: string, version: string): string {
  const download = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], {
    cwd: path.join(TOOLS_DIR, toolsModule),
    env: goEnvironment(),
    encoding: "utf8",
  });
  if (download.status !== 0) throw new BootstrapError(`cannot fetch ${module}@${version}: ${download.stdout}${download.stderr}`);
  return JSON.parse(download.stdout).Dir;
}

/** Istio's CRD file, read from the istio.io/api module that tools/istio-crds pins. */
export function istioCrdFile(): string {
  return path.join(moduleDir("istio-crds", "istio.io/api", ISTIO_API_MODULE_VERSION), "kubernetes", "customresourcedefinitions.gen.yaml");
}

/**
 * The Gateway API's standard-channel CRDs (HTTPRoute, Gateway, ...), read
 * from the sigs.k8s.io/gateway-api module that tools/gateway-api-crds pins.
 * The experimental channel is not applied: nothing switchyard writes needs it
 * (the RequestMirror filter's percent is standard since v1.3).
 */
export function gatewayApiCrdDir(): string {
  return path.join(moduleDir("gateway-api-crds", "sigs.k8s.io/gateway-api", GATEWAY_API_MODULE_VERSION), "config", "crd", "standard");
}

export interface StartResult {
  readonly kubeconfig: string;
  /** False when the cluster was already running. */
  readonly started: boolean;
  readonly seconds: number;
}

/** Starts the cluster unless it already answers; safe to call any number of times. */
export function startCluster(name: string, log: (line: string) => void = () => {}, options: ClusterOptions = {}): StartResult {
  const started = Date.now();
  const kubeconfig = kubeconfigPath(name);
  if (isRunning(name)) return { kubeconfig, started: false, seconds: 0 };
  const tools = clusterTools();
  if (fs.existsSync(path.join(KWOK_WORKDIR, "clusters", name))) {
    // Left over from an earlier run whose processes are gone (a reboot, a killed test): start afresh.
    run(tools, tools.kwokctl, ["delete", "cluster", "--name", name, ...leaveUserKubeconfig(name)], { allowFailure: true });
  }
  log(`creating local cluster ${name} (kwokctl, binary runtime, loopback only)`);
  run(tools, tools.kwokctl, [
    "create",
    "cluster",
    "--name",
    name,
    "--config",
    writeClusterConfig(name, tools, options),
    "--wait",
    "2m",
    "--quiet-pull",
    ...leaveUserKubeconfig(name),
  ]);
  run(tools, tools.kwokctl, ["scale", "node", "--name", name, "--replicas", String(SIMULATED_NODES)]);
  log("applying Istio and Gateway API CRDs");
  kubectl(name, ["apply", "--server-side", "-f", istioCrdFile(), "-f", gatewayApiCrdDir()]);
  kubectl(name, ["wait", "--for", "condition=Established", "--timeout=60s", ...[...ISTIO_CRDS, ...GATEWAY_API_CRDS].map((crd) => `crd/${crd}`)]);
  kubectl(name, ["wait", "--for", "condition=Ready", "--timeout=60s", "node", "--all"]);
  return { kubeconfig, started: true, seconds: (Date.now() - started) / 1000 };
}

export function stopCluster(name: string): void {
  const tools = clusterTools();
  run(tools, tools.kwokctl, ["delete", "cluster", "--name", name, ...leaveUserKubeconfig(name)], { allowFailure: true });
}

export function clusterStatus(name: string): string {
  if (!isRunning(name)) return `${name}: not running`;
  const version = JSON.parse(kubectl(name, ["version", "-o", "json"]).stdout).serverVersion?.gitVersion;
  const nodes = kubectl(name, ["get", "nodes", "--no-headers"]).stdout.trim().split("\n").length;
  return `${name}: running, Kubernetes ${version}, ${nodes} simulated nodes, kubeconfig ${kubeconfigPath(name)}`;
}
