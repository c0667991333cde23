import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

/**
 * How to reach the API server the stack deploys to, read from a kubeconfig
 * the way the Kubernetes provider reads it. The common forms (certificates,
 * a token, a CA, basic auth) are read here, which costs a YAML parse; a
 * user entry that runs a plugin (`exec`, `auth-provider`) and a KUBECONFIG
 * listing several files are left to the Kubernetes client library, which
 * takes about a third of a second to load.
 */
export interface ClusterAccess {
  /** e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  /** TLS settings and headers for node's https.request. */
  readonly tls: Readonly<TlsOptions>;
  readonly headers: Readonly<Record<string, string>>;
}

export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** Where the kubeconfig comes from: the stack's `kubernetes:kubeconfig` and `kubernetes:context`, as the provider takes them. */
export interface KubeconfigSetting {
  /** A path (relative to the project) or the kubeconfig's content; unset, KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  /** A context other than the kubeconfig's current one. */
  readonly context?: string;
  readonly projectDir: string;
}

/** The setting of a stack whose config names `kubernetes:kubeconfig` and `kubernetes:context` (either may be unset). */
export function kubeconfigSetting(projectDir: string, config: { readonly kubeconfig?: string; readonly kubeContext?: string }): KubeconfigSetting {
  return {
    projectDir,
    ...(config.kubeconfig === undefined ? {} : { kubeconfig: config.kubeconfig }),
    ...(config.kubeContext === undefined ? {} : { context: config.kubeContext }),
  };
}

/** A kubeconfig that cannot be read or names no usable cluster. */
export class KubeconfigError extends Error {
  override name = "KubeconfigError";
}

interface Source {
  /** Folder that relative certificate paths in the file are relative to. */
  readonly dir: string;
  readonly text: string;
  readonly label: string;
}

type Entry = Record<string, unknown>;

export async function clusterAccess(setting: KubeconfigSetting): Promise<ClusterAccess> {
  const source = sourceOf(setting);
  if (source === undefined) return libraryAccess(setting);
  let document: Entry;
  try {
    document = (parse(source.text) ?? {}) as Entry;
  } catch (error) {
    throw new KubeconfigError(`the kubeconfig ${source.label} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const contextName = setting.context ?? (document["current-context"] as string | undefined);
  const context = named(document, "contexts", contextName, "context", source);
  const cluster = named(document, "clusters", context.cluster as string | undefined, "cluster", source);
  const user = context.user === undefined ? {} : named(document, "users", context.user as string, "user", source);
  if (cluster["proxy-url"] !== undefined) {
    throw new KubeconfigError(`the kubeconfig ${source.label}: cluster ${context.cluster} is reached through proxy-url, which switchyard's API client does not support`);
  }
  if (user.exec !== undefined || user["auth-provider"] !== undefined) return libraryAccess(setting);
  const server = cluster.server;
  if (typeof server !== "string") throw new KubeconfigError(`the kubeconfig ${source.label}: cluster ${context.cluster} has no server`);
  const tls: TlsOptions = {};
  const assign = <K extends keyof TlsOptions>(key: K, value: TlsOptions[K] | undefined) => {
    if (value !== undefined) tls[key] = value;
  };
  assign("ca", pem(cluster, "certificate-authority", source));
  assign("cert", pem(user, "client-certificate", source));
  assign("key", pem(user, "client-key", source));
  if (cluster["insecure-skip-tls-verify"] === true) tls.rejectUnauthorized = false;
  assign("servername", cluster["tls-server-name"] as string | undefined);
  return { server, tls, headers: authorization(user, source) };
}

/** The kubeconfig text the setting names; undefined when only the library can assemble it (a KUBECONFIG of several files). */
function sourceOf(setting: KubeconfigSetting): Source | undefined {
  const { kubeconfig, projectDir } = setting;
  if (kubeconfig !== undefined && kubeconfig.includes("\n")) return { dir: projectDir, text: kubeconfig, label: "(stack config kubernetes:kubeconfig)" };
  const file =
    kubeconfig !== undefined ? path.resolve(projectDir, kubeconfig) : process.env.KUBECONFIG || path.join(os.homedir(), ".kube", "config");
  if (kubeconfig === undefined && file.includes(path.delimiter)) return undefined;
  try {
    return { dir: path.dirname(file), text: fs.readFileSync(file, "utf8"), label: file };
  } catch (error) {
    throw new KubeconfigError(`the kubeconfig ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function named(document: Entry, list: string, name: string | undefined, field: string, source: Source): Entry {
  const entries = Array.isArray(document[list]) ? (document[list] as Entry[]) : [];
  const entry = entries.find((candidate) => candidate.name === name);
  if (name === undefined || entry === undefined || typeof entry[field] !== "object") {
    const known = entries.map((candidate) => String(candidate.name)).join(", ") || "none";
    throw new KubeconfigError(`the kubeconfig ${source.label} has no ${field} ${name ?? "(none selected)"} (it has: ${known})`);
  }
  return entry[field] as Entry;
}

/** `<field>-data` (base64) or the file `<field>` names, relative to the kubeconfig's folder. */
function pem(entry: Entry, field: string, source: Source): Buffer | undefined {
  const data = entry[`${field}-data`];
  if (typeof data === "string") return Buffer.from(data, "base64");
  return typeof entry[field] === "string" ? readReferenced(entry[field], field, source) : undefined;
}

function readReferenced(name: string, field: string, source: Source): Buffer {
  const file = path.resolve(source.dir, name);
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new KubeconfigError(`the kubeconfig ${source.label}: ${field} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function authorization(user: Entry, source: Source): Record<string, string> {
  const tokenFile = user.tokenFile;
  const token =
    typeof user.token === "string" ? user.token : typeof tokenFile === "string" ? readReferenced(tokenFile, "tokenFile", source).toString("utf8").trim() : undefined;
  if (token !== undefined) return { authorization: `Bearer ${token}` };
  if (typeof user.username === "string" && typeof user.password === "string") {
    return { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}` };
  }
  return {};
}

/** The Kubernetes client library's reading: plugins (exec, auth-provider) and merged KUBECONFIG files. */
async function libraryAccess(setting: KubeconfigSetting): Promise<ClusterAccess> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const config = new KubeConfig();
  try {
    if (setting.kubeconfig === undefined) config.loadFromDefault();
    else if (setting.kubeconfig.includes("\n")) config.loadFromString(setting.kubeconfig);
    else config.loadFromFile(path.resolve(setting.projectDir, setting.kubeconfig));
    if (setting.context !== undefined) config.setCurrentContext(setting.context);
  } catch (error) {
    throw new KubeconfigError(`the kubeconfig cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
  const server = config.getCurrentCluster()?.server;
  if (server === undefined) throw new KubeconfigError(`the kubeconfig's context ${config.getCurrentContext()} names no cluster`);
  const options: { headers?: Record<string, string> } & TlsOptions = {};
  await config.applyToHTTPSOptions(options);
  const { headers = {}, ...tls } = options;
  return { server, tls, headers };
}
