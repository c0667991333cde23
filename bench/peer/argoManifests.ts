import { parseStackConfig } from "../../model/config/parse";
import type { ServiceConfig } from "../../model/config/settings";
import type { Color } from "../../model/config/schema";
import { LABELS, serviceHost, serviceSelector } from "../../model/naming";
import { planService } from "../../model/plan";
import { deploymentSpec } from "../../resources/workload";
import { benchServices } from "../stacks";

/**
 * The benchmark's services as Argo Rollouts objects. The services are the
 * ones switchyard deploys in the same benchmark (bench/stacks.ts), parsed by
 * switchyard's own config code so every default (probes, revisionHistoryLimit,
 * progress deadline, resources) is the same, and the pod template is built by
 * switchyard's own Deployment spec. What differs is what each tool is:
 *
 * - Argo runs one Rollout per service; a version is its pod template. The
 *   switchyard "blue" slot is the first version, "green" the second.
 * - Argo keeps config where a GitOps repository usually keeps it next to a
 *   Rollout: one ConfigMap per service, `<service>-config`, edited in place
 *   when a version needs other flags.
 * - Argo's DestinationRule subsets are roles (`stable`, `canary`), not
 *   colors: the controller adds each ReplicaSet's pod-template hash to their
 *   labels. The VirtualService has the same routes as switchyard's: one
 *   header route per subset, then the weighted route the weights live on.
 */

export const ARGO_API_VERSION = "argoproj.io/v1alpha1";
export const STABLE_SUBSET = "stable";
export const CANARY_SUBSET = "canary";
/** Header that reaches one subset directly, as switchyard's x-switchyard-color does. */
export const SUBSET_HEADER = "x-argo-subset";
/** Canary steps of the issue, with a pause (until `promote`) after each but the last. */
export const CANARY_WEIGHTS = [5, 25, 50, 100] as const;
/**
 * `kubectl argo rollouts undo` to one of the last revisions skips the steps
 * (the "rollback window"); without it, undo starts a new canary at 5% and
 * waits for promotion. Argo's fastest documented rollback, so it is on.
 */
export const ROLLBACK_WINDOW_REVISIONS = 2;

type Manifest = Record<string, unknown>;

/** The benchmark's services, with switchyard's defaults resolved. */
export function benchServiceConfigs(count: number, namespace: string): readonly ServiceConfig[] {
  return parseStackConfig({ namespace, services: benchServices(count, "blue") }).services;
}

export function configMapName(service: string): string {
  return `${service}-config`;
}

/** The pod template of one version: switchyard's, without the color label and color env, reading the service's one ConfigMap. */
export function podTemplate(service: ServiceConfig, slot: Color): Manifest {
  const plan = planService(service).colors.find((color) => color.color === slot);
  if (plan === undefined) throw new Error(`${service.name} has no ${slot} slot`);
  const { template } = deploymentSpec(service, plan, plan.image) as { template: any };
  const labels = Object.fromEntries(Object.entries(template.metadata.labels as Record<string, string>).filter(([key]) => key !== LABELS.color));
  const containers = (template.spec.containers as any[]).map((container) => ({
    ...container,
    envFrom: [{ configMapRef: { name: configMapName(service.name) } }],
    env: (container.env as { name: string }[]).filter((variable) => variable.name !== "SWITCHYARD_COLOR"),
  }));
  return { metadata: { ...template.metadata, labels }, spec: { ...template.spec, containers } };
}

export function canarySteps(): Manifest[] {
  return CANARY_WEIGHTS.flatMap((weight, index) => (index === CANARY_WEIGHTS.length - 1 ? [{ setWeight: weight }] : [{ setWeight: weight }, { pause: {} }]));
}

/** The automatic rollback's Rollout: 25%, then Argo's own analysis (a pause after it, so a pass does not promote). */
export const ANALYSED_CANARY_WEIGHT = 25;
export const ANALYSIS_TEMPLATE = "error-rate";

export function analysedCanarySteps(): Manifest[] {
  return [{ setWeight: ANALYSED_CANARY_WEIGHT }, { analysis: { templates: [{ templateName: ANALYSIS_TEMPLATE }] } }, { pause: {} }];
}

/**
 * Argo's analysis with its Prometheus provider: one measurement of the
 * error-rate query (count 1, failureLimit 0), failing above switchyard's
 * default threshold, so one failing answer aborts the Rollout.
 */
export function analysisTemplate(namespace: string, prometheus: string, query: string, maxErrorRate: number): Manifest {
  return {
    apiVersion: ARGO_API_VERSION,
    kind: "AnalysisTemplate",
    metadata: { name: ANALYSIS_TEMPLATE, namespace },
    spec: {
      metrics: [
        {
          name: ANALYSIS_TEMPLATE,
          count: 1,
          failureLimit: 0,
          successCondition: `result[0] <= ${maxErrorRate}`,
          provider: { prometheus: { address: prometheus, query } },
        },
      ],
    },
  };
}

export function rollout(service: ServiceConfig, namespace: string, slot: Color, steps: Manifest[] = canarySteps()): Manifest {
  return {
    apiVersion: ARGO_API_VERSION,
    kind: "Rollout",
    metadata: { name: service.name, namespace, labels: serviceSelector(service.name) },
    spec: {
      replicas: service.replicas,
      revisionHistoryLimit: service.revisionHistoryLimit,
      progressDeadlineSeconds: service.progressDeadlineSeconds,
      rollbackWindow: { revisions: ROLLBACK_WINDOW_REVISIONS },
      selector: { matchLabels: serviceSelector(service.name) },
      template: podTemplate(service, slot),
      strategy: {
        canary: {
          maxUnavailable: 0,
          maxSurge: "25%",
          trafficRouting: {
            istio: {
              virtualService: { name: service.name, routes: ["weighted"] },
              destinationRule: { name: service.name, stableSubsetName: STABLE_SUBSET, canarySubsetName: CANARY_SUBSET },
            },
          },
          steps,
        },
      },
    },
  };
}

/** The service's config for one version, edited in place when the version changes. */
export function configMap(service: ServiceConfig, namespace: string, slot: Color): Manifest {
  const env = service.slots[slot]?.env ?? {};
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: configMapName(service.name), namespace, labels: serviceSelector(service.name) }, data: { ...env } };
}

export function kubernetesService(service: ServiceConfig, namespace: string): Manifest {
  const selector = serviceSelector(service.name);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: service.name, namespace, labels: selector },
    spec: { selector, ports: [{ name: "http", port: service.port, targetPort: "http", protocol: "TCP" }] },
  };
}

export function destinationRule(service: ServiceConfig, namespace: string): Manifest {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: { name: service.name, namespace, labels: serviceSelector(service.name) },
    spec: {
      host: serviceHost(service.name, namespace),
      subsets: [STABLE_SUBSET, CANARY_SUBSET].map((name) => ({ name, labels: serviceSelector(service.name) })),
    },
  };
}

/** Same routes as switchyard's VirtualService (model/routing/istioSpecs.ts), with the subsets as roles. */
export function virtualService(service: ServiceConfig, namespace: string): Manifest {
  const host = serviceHost(service.name, namespace);
  const destination = (subset: string) => ({ host, subset, port: { number: service.port } });
  const subsets = [STABLE_SUBSET, CANARY_SUBSET];
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: { name: service.name, namespace, labels: serviceSelector(service.name) },
    spec: {
      hosts: [host],
      http: [
        ...subsets.map((subset) => ({
          name: `${subset}-by-header`,
          match: [{ name: subset, headers: { [SUBSET_HEADER]: { exact: subset } } }],
          route: [{ destination: destination(subset) }],
        })),
        { name: "weighted", route: [{ destination: destination(STABLE_SUBSET), weight: 100 }, { destination: destination(CANARY_SUBSET), weight: 0 }] },
      ],
    },
  };
}

/** What is applied once: the namespace's Services and Istio objects, which the controller edits from then on. */
export function routingObjects(services: readonly ServiceConfig[], namespace: string): Manifest[] {
  return services.flatMap((service) => [kubernetesService(service, namespace), destinationRule(service, namespace), virtualService(service, namespace)]);
}

/** What a release applies: each service's ConfigMap and Rollout at one version (as `kubectl apply` of a GitOps commit would). */
export function releaseObjects(services: readonly ServiceConfig[], namespace: string, slot: Color, steps?: Manifest[]): Manifest[] {
  return services.flatMap((service) => [configMap(service, namespace, slot), rollout(service, namespace, slot, steps)]);
}

/** Objects as a multi-document stream for `kubectl apply -f -` (JSON is YAML). */
export function manifestStream(manifests: readonly Manifest[]): string {
  return manifests.map((manifest) => JSON.stringify(manifest)).join("\n---\n");
}
