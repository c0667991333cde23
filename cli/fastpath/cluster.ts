import { LABELS, ROUTING_FIELD_MANAGER } from "../../model/naming";
import { describeRoute, routeKind, type RouteObject } from "../../model/routing/routeObject";
import type { RouterName } from "../../model/config/schema";
import { KubeApi, KubeApiError } from "../kube/api";
import { clusterAccess, type KubeconfigSetting } from "../kube/kubeconfig";
import type { DeploymentState } from "./readiness";

/** The API server could not be read or written: unreachable, forbidden, or the object is gone. Nothing was moved by the failing call. */
export class ClusterError extends Error {
  override name = "ClusterError";
}

/** The route object (VirtualService or HTTPRoute) changed between the fast path's read and its apply (another operator's move): this apply did nothing. */
export class MovedMeanwhileError extends ClusterError {
  override name = "MovedMeanwhileError";
}

/** A route object (VirtualService or HTTPRoute) as the API server holds it: what the fast path compares and the version its apply is conditional on. */
export interface LiveRoute {
  readonly resourceVersion: string;
  readonly spec: unknown;
}

export interface RoutingCluster {
  readonly server: string;
  deploymentState(namespace: string, name: string): Promise<DeploymentState | undefined>;
  /** The live route object of `router`; a ClusterError when it does not exist, since an apply would create it outside Pulumi's state. */
  route(router: RouterName, namespace: string, name: string): Promise<LiveRoute>;
  /**
   * Server-side apply of the whole object with the field manager the program
   * names, only if the object is still at `resourceVersion` (else a
   * MovedMeanwhileError); returns the new resourceVersion.
   */
  applyRoute(object: RouteObject, router: RouterName, resourceVersion: string): Promise<string>;
  close(): void;
}

interface KubeObject {
  metadata?: { generation?: number; resourceVersion?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, number | undefined>;
}

export async function connect(setting: KubeconfigSetting): Promise<RoutingCluster> {
  let api: KubeApi;
  try {
    api = new KubeApi(await clusterAccess(setting));
  } catch (error) {
    throw new ClusterError(`the kubeconfig ${setting.kubeconfig ?? "(default)"} cannot be used: ${message(error)}`);
  }
  const server = api.server;
  const failed = (what: string, error: unknown) => new ClusterError(`${what} on the API server ${server} failed: ${message(error)}`);
  const routePath = (router: RouterName, namespace: string, name: string) => {
    const kind = routeKind(router);
    return `/apis/${kind.apiVersion}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}/${encodeURIComponent(name)}`;
  };

  return {
    server,
    async deploymentState(namespace, name) {
      let deployment: KubeObject | undefined;
      try {
        deployment = await api.get<KubeObject>(`/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`);
      } catch (error) {
        throw failed(`reading Deployment ${namespace}/${name}`, error);
      }
      if (deployment === undefined) return undefined;
      const template = (deployment.spec?.template as KubeObject | undefined)?.metadata?.labels;
      return {
        ...optional("generation", deployment.metadata?.generation),
        ...optional("observedGeneration", deployment.status?.observedGeneration),
        ...optional("readyReplicas", deployment.status?.readyReplicas),
        ...optional("updatedReplicas", deployment.status?.updatedReplicas),
        ...optional("templateVersion", template?.[LABELS.version]),
      };
    },
    async route(router, namespace, name) {
      const object = `${routeKind(router).kind} ${namespace}/${name}`;
      let live: KubeObject | undefined;
      try {
        live = await api.get<KubeObject>(routePath(router, namespace, name));
      } catch (error) {
        throw failed(`reading ${object}`, error);
      }
      if (live === undefined) {
        throw new ClusterError(
          `${object} does not exist on the API server ${server} (deleted outside Pulumi?): ` +
            `traffic was not moved, since an apply would create it behind Pulumi's back; run the command with --no-fast-path, whose pulumi up recreates it (after pulumi refresh)`,
        );
      }
      return { resourceVersion: live.metadata?.resourceVersion ?? "", spec: live.spec };
    },
    async applyRoute(object, router, resourceVersion) {
      const { namespace, name } = object.metadata;
      const described = describeRoute(object);
      const conditional = { ...object, metadata: { ...object.metadata, resourceVersion } };
      try {
        // force: the stack config is the source of truth (pulumi.com/patchForce on every object), and it takes the
        // weights over from the provider's earlier random manager, which a stack deployed before the shared one still has.
        const applied = await api.apply<KubeObject>(routePath(router, namespace, name), conditional, { fieldManager: ROUTING_FIELD_MANAGER, force: true });
        return applied.metadata?.resourceVersion ?? "";
      } catch (error) {
        if (error instanceof KubeApiError && error.status === 409) {
          throw new MovedMeanwhileError(
            `${described} changed on the API server ${server} while switchyard moved it (another operator's move?): this command did not move it`,
          );
        }
        throw failed(`server-side apply of ${described}`, error);
      }
    },
    close: () => api.close(),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
