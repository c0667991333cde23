import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { ProbeSettings, ServiceConfig } from "../model/config/settings";
import { colorSelector, podLabels } from "../model/naming";
import type { ColorPlan } from "../model/plan";

type DeploymentSpec = k8s.types.input.apps.v1.DeploymentSpec;
type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;
type PodDisruptionBudgetSpec = k8s.types.input.policy.v1.PodDisruptionBudgetSpec;

const CONTAINER_PORT_NAME = "http";
/** Writable scratch space, since the root filesystem is read-only. */
const SCRATCH_VOLUME = "tmp";

/**
 * The Deployment spec of one color. `image` is an Input because a slot that
 * builds its image only knows the digest once the build has pushed it.
 */
/** The ConfigMap and Secret a color's pods read their environment from. */
export interface EnvSources {
  readonly configMap: string;
  readonly secret?: string;
}

export function deploymentSpec(
  service: ServiceConfig,
  plan: ColorPlan,
  image: pulumi.Input<string>,
  sources: EnvSources = { configMap: plan.configMapName },
): DeploymentSpec {
  return {
    replicas: plan.replicas,
    revisionHistoryLimit: service.revisionHistoryLimit,
    progressDeadlineSeconds: service.progressDeadlineSeconds,
    selector: { matchLabels: colorSelector(service.name, plan.color) },
    // Never fewer ready pods than asked for while a color rolls: zero downtime inside a color too.
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
    template: {
      metadata: {
        labels: podLabels(service.name, plan.color, plan.slot.version),
        annotations: { ...plan.annotations },
      },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [container(service, plan, image, sources)],
        volumes: [{ name: SCRATCH_VOLUME, emptyDir: {} }],
      },
    },
  };
}

function container(service: ServiceConfig, plan: ColorPlan, image: pulumi.Input<string>, sources: EnvSources): Container {
  return {
    name: service.name,
    image,
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: CONTAINER_PORT_NAME, containerPort: service.port, protocol: "TCP" }],
    envFrom: [
      { configMapRef: { name: sources.configMap } },
      ...(sources.secret === undefined ? [] : [{ secretRef: { name: sources.secret } }]),
    ],
    env: [
      { name: "SWITCHYARD_SERVICE", value: service.name },
      { name: "SWITCHYARD_COLOR", value: plan.color },
      { name: "SWITCHYARD_VERSION", value: plan.slot.version },
    ],
    readinessProbe: httpProbe(service.probes.readiness),
    livenessProbe: httpProbe(service.probes.liveness),
    resources: {
      requests: { ...service.resources.requests },
      limits: { ...service.resources.limits },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: [{ name: SCRATCH_VOLUME, mountPath: "/tmp" }],
  };
}

export function httpProbe(settings: ProbeSettings): Probe {
  return {
    httpGet: { path: settings.path, port: CONTAINER_PORT_NAME },
    initialDelaySeconds: settings.initialDelaySeconds,
    periodSeconds: settings.periodSeconds,
    timeoutSeconds: settings.timeoutSeconds,
    failureThreshold: settings.failureThreshold,
  };
}

/** Voluntary evictions (node drains) take at most one pod of a color at a time. */
export function podDisruptionBudgetSpec(service: string, plan: ColorPlan): PodDisruptionBudgetSpec {
  return { maxUnavailable: 1, selector: { matchLabels: colorSelector(service, plan.color) } };
}

/** A single pod cannot keep one available through an eviction, and a budget would block drains forever. */
export function needsDisruptionBudget(plan: ColorPlan): boolean {
  return plan.replicas > 1;
}

/** Time for the Deployment controller to report a stalled rollout before Pulumi stops waiting. */
const DEADLINE_REPORT_SECONDS = 30;

/**
 * How long `pulumi up` waits for a color's rollout. The provider does not
 * fail on the Deployment's ProgressDeadlineExceeded condition, only when its
 * wait times out (10 minutes by default), so a broken build would hold the
 * update that long. Each pod may take up to `progressDeadlineSeconds` to
 * become ready without the rollout counting as stalled, so the wait allows
 * that per pod and then fails with the controller's reason.
 */
export function rolloutTimeoutSeconds(replicas: number, progressDeadlineSeconds: number): number {
  return Math.max(replicas, 1) * progressDeadlineSeconds + DEADLINE_REPORT_SECONDS;
}
