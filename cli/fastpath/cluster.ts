import * as path from "node:path";
import { AppsV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { LABELS, ROUTING_FIELD_MANAGER } from "../../model/naming";
import type { VirtualServiceObject } from "../../model/routing/virtualService";
import type { DeploymentState } from "./readiness";

/**
 * The API server calls of the fast path. Loaded lazily (the Kubernetes
 * client adds about half a second to the start of every other command).
 */

/** The API server could not be read or written: unreachable, forbidden, or the object is gone. Nothing was moved by the failing call. */
export class ClusterError extends Error {
  override name = "ClusterError";
}

const ISTIO = { group: "networking.istio.io", version: "v1", plural: "virtualservices" } as const;

export interface RoutingCluster {
  readonly server: string;
  deploymentState(namespace: string, name: string): Promise<DeploymentState | undefined>;
  /** The live VirtualService's resourceVersion; a ClusterError when it does not exist, since an apply would create it outside Pulumi's state. */
  virtualServiceVersion(namespace: string, name: string): Promise<string>;
  /** Server-side apply of the whole object with the field manager the program names; returns the new resourceVersion. */
  applyVirtualService(object: VirtualServiceObject): Promise<string>;
}

/** `kubeconfig` is the stack's `kubernetes:kubeconfig` (a path relative to the project, or the file's content); unset, the default applies, as for the provider. */
export function connect(kubeconfig: string | undefined, projectDir: string): RoutingCluster {
  const config = new KubeConfig();
  if (kubeconfig === undefined) config.loadFromDefault();
  else if (kubeconfig.includes("\n")) config.loadFromString(kubeconfig);
  else config.loadFromFile(path.resolve(projectDir, kubeconfig));
  const server = config.getCurrentCluster()?.server ?? "(no cluster in the kubeconfig)";
  const apps = config.makeApiClient(AppsV1Api);
  const custom = config.makeApiClient(CustomObjectsApi);
  const failed = (what: string, error: unknown) => new ClusterError(`${what} on the API server ${server} failed: ${cause(error)}`);

  return {
    server,
    async deploymentState(namespace, name) {
      try {
        const deployment = await apps.readNamespacedDeployment({ namespace, name });
        return {
          ...optional("generation", deployment.metadata?.generation),
          ...optional("observedGeneration", deployment.status?.observedGeneration),
          ...optional("readyReplicas", deployment.status?.readyReplicas),
          ...optional("updatedReplicas", deployment.status?.updatedReplicas),
          ...optional("templateVersion", deployment.spec?.template.metadata?.labels?.[LABELS.version]),
        };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw failed(`reading Deployment ${namespace}/${name}`, error);
      }
    },
    async virtualServiceVersion(namespace, name) {
      try {
        const live = (await custom.getNamespacedCustomObject({ ...ISTIO, namespace, name })) as { metadata?: { resourceVersion?: string } };
        return live.metadata?.resourceVersion ?? "";
      } catch (error) {
        if (statusOf(error) === 404) {
          throw new ClusterError(
            `VirtualService ${namespace}/${name} does not exist on the API server ${server} (deleted outside Pulumi?): ` +
              `traffic was not moved, since an apply would create it behind Pulumi's back; run the command with --no-fast-path, whose pulumi up recreates it (after pulumi refresh)`,
          );
        }
        throw failed(`reading VirtualService ${namespace}/${name}`, error);
      }
    },
    async applyVirtualService(object) {
      const { namespace, name } = object.metadata;
      try {
        const applied = (await custom.patchNamespacedCustomObject(
          // force: the stack config is the source of truth (pulumi.com/patchForce on every object), and it takes the
          // weights over from the provider's earlier random manager, which a stack deployed before the shared one still has.
          { ...ISTIO, namespace, name, body: object, fieldManager: ROUTING_FIELD_MANAGER, force: true },
          setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
        )) as { metadata?: { resourceVersion?: string } };
        return applied.metadata?.resourceVersion ?? "";
      } catch (error) {
        throw failed(`server-side apply of VirtualService ${namespace}/${name}`, error);
      }
    },
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

/** The API server's own message (`403 ... forbidden: User "x" cannot patch ...`), or the connection error (`ECONNREFUSED`). */
function cause(error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined) {
    const body = (error as { body?: unknown }).body;
    let message: string | undefined;
    try {
      message = (typeof body === "string" ? JSON.parse(body) : body)?.message;
    } catch {
      message = typeof body === "string" ? body : undefined;
    }
    return `HTTP ${status}${message === undefined ? "" : `: ${message}`}`;
  }
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}
