import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../cli/context/packageRoot";

/**
 * The binaries the project builds from Go modules, where they live, and the
 * key that decides when they are stale. Each component is built into its own
 * cache directory named by a hash of its tools/ folders and build settings, so
 * a fresh clone on the same machine reuses it and a change to one wrapper
 * module rebuilds only that component.
 */

export const PROJECT_ROOT = PACKAGE_ROOT;
export const TOOLS_DIR = path.join(PROJECT_ROOT, "tools");

/** One `go build` inside one wrapper module. */
export interface GoBuild {
  /** Wrapper module folder under tools/. */
  readonly module: string;
  /** Package to build, as a module path, or "." for the wrapper's own main. */
  readonly pkg: string;
  /** File name of the binary in the component's bin directory. */
  readonly binary: string;
  readonly ldflags: string;
  readonly tags?: string;
  /** A command (argv) run in the module folder before building, e.g. to generate embedded files. */
  readonly prepare?: readonly string[];
}

export interface Component {
  readonly name: string;
  readonly description: string;
  readonly builds: readonly GoBuild[];
}

export const PULUMI_VERSION = "3.259.0";
export const KUBERNETES_PROVIDER_VERSION = "4.25.0";
export const KUBERNETES_VERSION = "v1.36.1";
export const ETCD_VERSION = "v3.6.10";
export const KWOK_VERSION = "v0.8.0";
export const ISTIO_API_MODULE_VERSION = "v1.30.3";
/** v1.6.3 is the newest the machine's Go builds (v1.7.0 needs a newer Go); its standard channel has everything switchyard writes. */
export const GATEWAY_API_MODULE_VERSION = "v1.6.3";
export const ARGO_ROLLOUTS_VERSION = "v1.8.3";

/**
 * The engine and our language host share a directory: the CLI looks for
 * language plugins beside its own executable before it looks on PATH.
 */
export const ENGINE: Component = {
  name: "engine",
  description: `Pulumi CLI v${PULUMI_VERSION} and our Node.js language host`,
  builds: [
    {
      module: "pulumi",
      pkg: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
      binary: "pulumi",
      tags: "osusergo,grpcnotrace",
      ldflags: `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}`,
    },
    {
      module: "language-host",
      pkg: ".",
      binary: "pulumi-language-nodejs",
      ldflags: `-s -w -X main.version=${PULUMI_VERSION}`,
    },
  ],
};

export const KUBERNETES_PROVIDER: Component = {
  name: "kubernetes-provider",
  description: `Pulumi Kubernetes provider v${KUBERNETES_PROVIDER_VERSION}`,
  builds: [
    {
      module: "kubernetes-provider",
      pkg: ".",
      binary: "pulumi-resource-kubernetes",
      ldflags: `-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${KUBERNETES_PROVIDER_VERSION}`,
      prepare: ["go", "run", "./gen", "-version", KUBERNETES_PROVIDER_VERSION, "-out", "generated", "-module-dir", "{module-dir:github.com/pulumi/pulumi-kubernetes/provider/v4}"],
    },
  ],
};

const KUBERNETES_VERSION_FLAGS = [
  `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
  `-X k8s.io/component-base/version.gitMajor=${KUBERNETES_VERSION.split(".")[0]!.slice(1)}`,
  `-X k8s.io/component-base/version.gitMinor=${KUBERNETES_VERSION.split(".")[1]}`,
  "-X k8s.io/component-base/version.gitTreeState=clean",
].join(" ");

/** The local cluster's control plane: the API server reports its real version on /version. */
export const KUBERNETES: Component = {
  name: "kubernetes",
  description: `Kubernetes ${KUBERNETES_VERSION} control plane and kubectl`,
  builds: ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"].map((command) => ({
    module: "kubernetes",
    pkg: `k8s.io/kubernetes/cmd/${command}`,
    binary: command,
    ldflags: `-s -w ${KUBERNETES_VERSION_FLAGS}`,
  })),
};

export const ETCD: Component = {
  name: "etcd",
  description: `etcd ${ETCD_VERSION}`,
  builds: [{ module: "etcd", pkg: "go.etcd.io/etcd/server/v3", binary: "etcd", ldflags: "-s -w" }],
};

export const KWOK: Component = {
  name: "kwok",
  description: `KWOK ${KWOK_VERSION} (simulated nodes and pods) and kwokctl`,
  builds: ["kwok", "kwokctl"].map((command) => ({
    module: "kwok",
    pkg: `sigs.k8s.io/kwok/cmd/${command}`,
    binary: command,
    ldflags: "-s -w",
  })),
};

const ARGO_ROLLOUTS_VERSION_FLAGS = [
  `-X github.com/argoproj/argo-rollouts/utils/version.version=${ARGO_ROLLOUTS_VERSION.slice(1)}`,
  `-X github.com/argoproj/argo-rollouts/utils/version.gitTag=${ARGO_ROLLOUTS_VERSION}`,
  // The release tag's commit; with a clean tree state the binaries report the tag as their version.
  "-X github.com/argoproj/argo-rollouts/utils/version.gitCommit=49fa1516cf71672b69e265267da4e1d16e1fe114",
  "-X github.com/argoproj/argo-rollouts/utils/version.gitTreeState=clean",
].join(" ");

/**
 * Argo Rollouts' controller and kubectl plugin, for the side-by-side
 * benchmark (bench/peer) only: not in COMPONENTS, so `npm run bootstrap` and
 * `npm test` never spend the build time on it; `npm run bench:peer` builds it
 * on demand into the same cache.
 */
export const ARGO_ROLLOUTS: Component = {
  name: "argo-rollouts",
  description: `Argo Rollouts ${ARGO_ROLLOUTS_VERSION} controller and kubectl-argo-rollouts`,
  builds: ["rollouts-controller", "kubectl-argo-rollouts"].map((command) => ({
    module: "argo-rollouts",
    pkg: `github.com/argoproj/argo-rollouts/cmd/${command}`,
    binary: command,
    ldflags: `-s -w ${ARGO_ROLLOUTS_VERSION_FLAGS}`,
  })),
};

/** What Pulumi needs to run at all. */
export const PULUMI_COMPONENTS: readonly Component[] = [ENGINE, KUBERNETES_PROVIDER];
/** What the local cluster needs. */
export const CLUSTER_COMPONENTS: readonly Component[] = [ETCD, KWOK, KUBERNETES];
export const COMPONENTS: readonly Component[] = [...PULUMI_COMPONENTS, ...CLUSTER_COMPONENTS];

/** Root of the toolchain cache: outside the clone, shared by every clone on the machine. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SWITCHYARD_TOOLCHAIN_CACHE) return path.resolve(env.SWITCHYARD_TOOLCHAIN_CACHE);
  const base = env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(base, "switchyard", "toolchain");
}

/** Hash of every file in the component's wrapper modules (paths and contents) and of its build settings. */
export function componentKey(component: Component, goVersion: string): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ builds: component.builds, goVersion }));
  for (const module of [...new Set(component.builds.map((b) => b.module))].sort()) {
    for (const file of listFiles(path.join(TOOLS_DIR, module))) {
      hash.update(path.relative(TOOLS_DIR, file));
      hash.update("\0");
      hash.update(fs.readFileSync(file));
      hash.update("\0");
    }
  }
  return hash.digest("hex").slice(0, 16);
}

/** Files that define a module: everything except what its build generates. */
function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === "generated") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

export function componentDir(component: Component, goVersion: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), `${component.name}-${componentKey(component, goVersion)}`);
}

export function binDir(component: Component, goVersion: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(componentDir(component, goVersion, env), "bin");
}

/** A component is ready when its completion marker exists: a half-finished build never counts. */
export function isBuilt(component: Component, goVersion: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return fs.existsSync(path.join(componentDir(component, goVersion, env), "complete"));
}
