import { KubeConfig, KubernetesObjectApi, Watch, type KubernetesObject } from "@kubernetes/client-node";
import { performance } from "node:perf_hooks";

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with the audit log's timestamps. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** A namespaced resource the view watches. */
export interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  /** URL path segment: `/api/v1/namespaces/<ns>/<plural>` or `/apis/<group>/<version>/namespaces/<ns>/<plural>`. */
  readonly plural: string;
}

export const PODS: Resource = { apiVersion: "v1", kind: "Pod", plural: "pods" };
export const CONFIG_MAPS: Resource = { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps" };
export const VIRTUAL_SERVICES: Resource = { apiVersion: "networking.istio.io/v1", kind: "VirtualService", plural: "virtualservices" };
export const DESTINATION_RULES: Resource = { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", plural: "destinationrules" };
export const ROLLOUTS: Resource = { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", plural: "rollouts" };

function watchPath(resource: Resource, namespace: string): string {
  const prefix = resource.apiVersion.includes("/") ? `/apis/${resource.apiVersion}` : `/api/${resource.apiVersion}`;
  return `${prefix}/namespaces/${namespace}/${resource.plural}`;
}

interface Waiter {
  readonly check: () => boolean;
  readonly resolve: (at: number) => void;
}

/**
 * The objects of one namespace as the API server streams them: each
 * resource is listed, then watched from the list's version, and every change
 * is applied the moment it arrives. `waitFor` resolves with the arrival time
 * of the change that made a condition true. This is how the benchmark sees a
 * rollback finish, whichever tool made it.
 */
export class ClusterView {
  private readonly objects = new Map<string, Map<string, any>>();
  private readonly watches: AbortController[] = [];
  private waiters: Waiter[] = [];
  private observers: (() => void)[] = [];
  private stopped = false;

  private constructor(
    private readonly config: KubeConfig,
    readonly namespace: string,
  ) {}

  static async start(kubeconfig: string, namespace: string, resources: readonly Resource[]): Promise<ClusterView> {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    const view = new ClusterView(config, namespace);
    for (const resource of resources) await view.follow(resource);
    return view;
  }

  /** Current objects of a kind, by name. */
  list<T = any>(resource: Resource): T[] {
    return [...(this.objects.get(resource.kind)?.values() ?? [])] as T[];
  }

  get<T = any>(resource: Resource, name: string): T | undefined {
    return this.objects.get(resource.kind)?.get(name) as T | undefined;
  }

  /** Resolves with the time the condition became true (now, if it already is); rejects after `timeoutMs`. */
  waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
    if (check()) return Promise.resolve(now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`));
      }, timeoutMs);
      const entry: Waiter = {
        check,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(entry);
    });
  }

  /** Calls `observer` after every change until the returned function is called. */
  observe(observer: () => void): () => void {
    this.observers.push(observer);
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  stop(): void {
    this.stopped = true;
    for (const watch of this.watches) watch.abort();
  }

  private async follow(resource: Resource): Promise<void> {
    const api = KubernetesObjectApi.makeApiClient(this.config);
    const list = await api.list<KubernetesObject>(resource.apiVersion, resource.kind, this.namespace);
    const byName = new Map<string, any>(list.items.map((item) => [item.metadata!.name!, item]));
    this.objects.set(resource.kind, byName);
    this.settle(now());
    const controller = await new Watch(this.config).watch(
      watchPath(resource, this.namespace),
      { resourceVersion: list.metadata?.resourceVersion ?? "" },
      (phase, object) => {
        const at = now();
        if (phase === "ADDED" || phase === "MODIFIED") byName.set(object.metadata.name, object);
        else if (phase === "DELETED") byName.delete(object.metadata.name);
        else return;
        this.settle(at);
      },
      () => {
        // The API server ends watches after a while: list again and go on.
        if (!this.stopped) void this.follow(resource).catch((error) => console.error(`[peer] cannot resume watching ${resource.plural}: ${String(error)}`));
      },
    );
    this.watches.push(controller);
  }

  private settle(at: number): void {
    for (const observer of this.observers) observer();
    const done = this.waiters.filter((waiter) => waiter.check());
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => !done.includes(waiter));
    for (const waiter of done) waiter.resolve(at);
  }
}
