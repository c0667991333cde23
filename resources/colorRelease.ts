import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "../model/config/settings";
import type { ColorContents, NamedEnv } from "../model/contents";
import { colorSelector, OWNERSHIP_ANNOTATIONS } from "../model/naming";
import type { ColorPlan } from "../model/plan";
import { deploymentSpec, needsDisruptionBudget, podDisruptionBudgetSpec, rolloutTimeoutSeconds } from "./workload";

export interface ColorReleaseArgs {
  /** The service this color belongs to, with every default resolved. */
  readonly service: ServiceConfig;
  /** What this color runs and how many pods, from `planService`. */
  readonly plan: ColorPlan;
  /**
   * The ConfigMaps and Secrets to keep, the current ones first, from `colorContents`.
   * @see ../model/contents.ts
   */
  readonly contents: ColorContents;
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
 * color's version) and Secret, its Deployment and, with more than one pod, a
 * PodDisruptionBudget. Rolling traffic back to this color rolls config back
 * with it, because no other color reads these objects. The ConfigMaps and
 * Secrets of the color's older revisions are kept too, so `kubectl rollout
 * undo` can start any revision the Deployment keeps.
 */
export class ColorRelease extends pulumi.ComponentResource {
  /** The ConfigMap the current pods read. */
  readonly configMap: k8s.core.v1.ConfigMap;
  /** The Secret the current pods read, when the color has secrets. */
  readonly secret?: k8s.core.v1.Secret;
  /** Every kept ConfigMap, the current one first. */
  readonly configMaps: readonly k8s.core.v1.ConfigMap[];
  /** Every kept Secret, the current one first when there is one. */
  readonly secrets: readonly k8s.core.v1.Secret[];
  readonly deployment: k8s.apps.v1.Deployment;
  readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;

  constructor(name: string, args: ColorReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:service:ColorRelease", name, {}, opts);
    const { service, plan, namespace, contents } = args;
    const labels = colorSelector(service.name, plan.color);
    const metadata = (content: NamedEnv) => ({ name: content.name, namespace, labels, annotations: { ...OWNERSHIP_ANNOTATIONS } });
    // Logical names carry the content's suffix, so each kept object keeps its URN while newer ones come and go.
    const logicalName = (role: string, content: NamedEnv, prefix: string) => `${name}-${role}-${content.name.slice(prefix.length)}`;
    // Stacks from before kept one object per role under `<name>-<role>`; the current content takes that URN over instead of replacing it.
    const adopt = (role: string, current: boolean): pulumi.CustomResourceOptions =>
      current ? { parent: this, aliases: [{ name: `${name}-${role}` }] } : { parent: this };

    this.configMaps = contents.configMaps.map(
      (content, index) =>
        new k8s.core.v1.ConfigMap(
          logicalName("config", content, `${name}-`),
          { metadata: metadata(content), immutable: true, data: { ...content.data } },
          adopt("config", index === 0),
        ),
    );
    this.configMap = this.configMaps[0]!;

    this.secrets = contents.secrets.map(
      (content, index) =>
        new k8s.core.v1.Secret(
          logicalName("secret", content, `${name}-secret-`),
          // The Secret class marks data and stringData as Pulumi secrets itself.
          { metadata: metadata(content), immutable: true, type: "Opaque", stringData: { ...content.data } },
          adopt("secret", index === 0 && contents.secret !== undefined),
        ),
    );
    if (contents.secret !== undefined) this.secret = this.secrets[0];

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { name: plan.name, namespace, labels, annotations: { ...OWNERSHIP_ANNOTATIONS, ...plan.annotations } },
        spec: deploymentSpec(service, plan, args.image ?? plan.image, {
          configMap: contents.configMap.name,
          ...(contents.secret === undefined ? {} : { secret: contents.secret.name }),
        }),
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
      configMaps: this.configMaps,
      secrets: this.secrets,
      deployment: this.deployment,
      disruptionBudget: this.disruptionBudget,
    });
  }
}

function rolloutTimeouts(replicas: number, progressDeadlineSeconds: number): pulumi.CustomTimeouts {
  const wait = `${rolloutTimeoutSeconds(replicas, progressDeadlineSeconds)}s`;
  return { create: wait, update: wait };
}
