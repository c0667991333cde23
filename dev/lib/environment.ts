import * as fs from "node:fs";
import * as path from "node:path";
import { runPulumi, type PulumiEnvironment } from "../../cli/pulumi/process";
import { BootstrapError, goVersion } from "./goBuild";
import { binDir, ENGINE, isBuilt, KUBERNETES_PROVIDER, KUBERNETES_PROVIDER_VERSION, PROJECT_ROOT } from "./toolchain";

/**
 * The one place that decides how Pulumi runs for this project: every script,
 * test and the switchyard command take their environment from here, so none
 * of them can reach the network or a cloud account by accident.
 */

/**
 * Passphrase of the local stacks' secrets provider. It protects nothing of
 * value (local dev and test stacks); real stacks set their own
 * PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.
 */
export const LOCAL_PASSPHRASE = "switchyard-local-stacks";

/** The sandbox's Pulumi: our CLI build, a file backend in the clone, a plugin cache of our own. */
/** The sandbox's passphrase in a file of its own (mode 0600), for shells that run the built pulumi by hand. */
export function localPassphraseFile(): string {
  const file = path.join(LOCAL_DIR, "local-passphrase");
  fs.mkdirSync(LOCAL_DIR, { recursive: true });
  fs.writeFileSync(file, LOCAL_PASSPHRASE, { mode: 0o600 });
  return file;
}

export interface SandboxEnvironment extends PulumiEnvironment {
  /** Pulumi's home: plugin cache, workspace settings. */
  readonly pulumiHome: string;
  /** Folder of the file state backend. */
  readonly stateDir: string;
}

export interface EnvironmentOptions {
  /** @default the repository root */
  readonly projectDir?: string;
  /** State backend folder. @default `<projectDir>/.switchyard/state` */
  readonly stateDir?: string;
  /** TMPDIR of every Pulumi process (see `pruneProviderKubeconfigs`). @default `<projectDir>/.switchyard/tmp` */
  readonly tmpDir?: string;
  readonly baseEnv?: NodeJS.ProcessEnv;
}

export const LOCAL_DIR = path.join(PROJECT_ROOT, ".switchyard");

export function pulumiEnvironment(options: EnvironmentOptions = {}): SandboxEnvironment {
  const baseEnv = options.baseEnv ?? process.env;
  const go = goVersion();
  if (!isBuilt(ENGINE, go, baseEnv)) {
    throw new BootstrapError("The Pulumi toolchain is not built yet: run `npm run bootstrap` (npm start and npm test do it for you).");
  }
  const engineBin = binDir(ENGINE, go, baseEnv);
  const pulumiHome = path.join(LOCAL_DIR, "pulumi-home");
  const projectDir = options.projectDir ?? PROJECT_ROOT;
  const stateDir = options.stateDir ?? path.join(projectDir, ".switchyard", "state");
  const tmpDir = options.tmpDir ?? path.join(projectDir, ".switchyard", "tmp");
  fs.mkdirSync(pulumiHome, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  fs.mkdirSync(tmpDir, { recursive: true });
  pruneProviderKubeconfigs(tmpDir);
  const passphrase =
    baseEnv.PULUMI_CONFIG_PASSPHRASE === undefined && baseEnv.PULUMI_CONFIG_PASSPHRASE_FILE === undefined
      ? { PULUMI_CONFIG_PASSPHRASE: LOCAL_PASSPHRASE }
      : {};
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    ...passphrase,
    PULUMI_HOME: pulumiHome,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Type-checking happens once, in `npm test` (tsc --noEmit); every run only transpiles.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    TMPDIR: tmpDir,
    // The engine's own folder first: our language host sits beside `pulumi`.
    PATH: `${engineBin}${path.delimiter}${baseEnv.PATH ?? ""}`,
  };
  return { projectDir, pulumiHome, stateDir, pulumi: path.join(engineBin, "pulumi"), env };
}

/** Copies the Kubernetes provider writes, as `os.CreateTemp("", "kubeconfig")` names them. */
const PROVIDER_KUBECONFIG = /^kubeconfig\d+$/;

/** A day: far longer than any one `pulumi` run that may still read its copy. */
const PROVIDER_KUBECONFIG_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * The Kubernetes provider writes a copy of the stack's kubeconfig (for Helm)
 * into TMPDIR every time it starts and never deletes it, so credentials
 * would pile up in /tmp. Pulumi's processes get a TMPDIR of the project's
 * own instead, and copies older than a day are deleted from it.
 */
export function pruneProviderKubeconfigs(dir: string, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!PROVIDER_KUBECONFIG.test(name) || now - fs.statSync(file).mtimeMs <= PROVIDER_KUBECONFIG_MAX_AGE_MS) continue;
    fs.rmSync(file, { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Installs our provider build into the plugin cache of PULUMI_HOME, where the
 * engine finds it by name and version. It is never put on PATH: the engine
 * would use it "from $PATH" with a warning on every run.
 */
export function installKubernetesProvider(environment: SandboxEnvironment): void {
  const go = goVersion();
  if (!isBuilt(KUBERNETES_PROVIDER, go)) {
    throw new BootstrapError("The Kubernetes provider is not built yet: run `npm run bootstrap`.");
  }
  const source = path.join(binDir(KUBERNETES_PROVIDER, go), "pulumi-resource-kubernetes");
  const pluginDir = path.join(environment.pulumiHome, "plugins", `resource-kubernetes-v${KUBERNETES_PROVIDER_VERSION}`);
  const marker = path.join(environment.pulumiHome, "plugins", `.resource-kubernetes-v${KUBERNETES_PROVIDER_VERSION}.source`);
  if (fs.existsSync(pluginDir) && fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === source) return;
  runPulumi(environment, ["plugin", "install", "resource", "kubernetes", KUBERNETES_PROVIDER_VERSION, "--file", source, "--reinstall"]);
  fs.writeFileSync(marker, source);
}
