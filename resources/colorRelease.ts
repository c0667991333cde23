import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "../model/config/settings";
import { colorSelector, OWNERSHIP_ANNOTATIONS } from "../model/naming";
import type { ColorPlan } from "../model/plan";
import { deploymentSpec, needsDisruptionBudget, podDisruptionBudgetSpec, rolloutTimeoutSeconds } from "./workload";

export interface ColorReleaseArgs {
  /** The service this color belongs to, with every default resolved. */
  readonly service: ServiceConfig;
  /** What this color runs and how many pods, from `planService`. */
  readonly plan: ColorPlan;
  /** Namespace of every object; an Output when the stack creates the namespace. */
  readonly namespace: pulumi.Input<string>;
  /**
   * Image to run.
   * @default plan.image (the repository tagged with the version or build id, plus any digest)
   */
  readonly image?: pulumi.Input<string>;
}

/**
 * One color of a service: its immutable ConfigMap (the config bound to this
 * color's version), its Deployment and, with more than one pod, a
 * PodDisruptionBudget. Rolling traffic back to this color rolls config back
 * with it, because no other color reads this ConfigMap.
 */
export class ColorRelease extends pulumi.ComponentResource {
  readonly configMap: k8s.core.v1.ConfigMap;
  readonly secret?: k8s.core.v1.Secret;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;

  constructor(name: string, args: ColorReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:service:ColorRelease", name, {}, opts);
    const { service, plan, namespace } = args;
    const labels = colorSelector(service.name, plan.color);

    this.configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: plan.configMapName, namespace, labels, annotations: { ...OWNERSHIP_ANNOTATIONS } },
        immutable: true,
        data: { ...plan.slot.env },
      },
      { parent: this },
    );

    if (plan.secretName !== undefined) {
      this.secret = new k8s.core.v1.Secret(
        `${name}-secret`,
        {
          metadata: { name: plan.secretName, namespace, labels, annotations: { ...OWNERSHIP_ANNOTATIONS } },
          immutable: true,
          type: "Opaque",
          // The Secret class marks data and stringData as Pulumi secrets itself.
          stringData: { ...plan.slot.secretEnv },
        },
        { parent: this },
      );
    }

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { name: plan.name, namespace, labels, annotations: { ...OWNERSHIP_ANNOTATIONS, ...plan.annotations } },
        spec: deploymentSpec(service, plan, args.image ?? plan.image),
      },
      {
        parent: this,
        dependsOn: this.secret === undefined ? [this.configMap] : [this.configMap, this.secret],
        customTimeouts: rolloutTimeouts(plan.replicas, service.progressDeadlineSeconds),
      },
    );

    if (needsDisruptionBudget(plan)) {
      this.disruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
          metadata: { name: plan.name, namespace, labels, annotations: { ...OWNERSHIP_ANNOTATIONS } },
          spec: podDisruptionBudgetSpec(service.name, plan),
        },
        { parent: this, dependsOn: [this.deployment] },
      );
    }

    this.registerOutputs({
      configMap: this.configMap,
      secret: this.secret,
      deployment: this.deployment,
      disruptionBudget: this.disruptionBudget,
    });
  }
}

function rolloutTimeouts(replicas: number, progressDeadlineSeconds: number): pulumi.CustomTimeouts {
  const wait = `${rolloutTimeoutSeconds(replicas, progressDeadlineSeconds)}s`;
  return { create: wait, update: wait };
}
