import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "../model/config/settings";
import type { ColorContents, NamedEnv } from "../model/contents";
import { colorSelector, OWNERSHIP_ANNOTATIONS } from "../model/naming";
import type { ColorPlan } from "../model/plan";
import { deploymentSpec, needsDisruptionBudget, podDisruptionBudgetSpec, rolloutTimeoutSeconds } from "./workload";

/**
 * Until issue 20 each color was a component of this type, the parent of its
 * objects. Every object keeps its URN through an alias to that parent, so a
 * stack deployed before keeps its workloads (test/e2e/upgrade.test.ts).
 */
const FORMER_COMPONENT = "switchyard:service:ColorRelease";

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
  /**
   * What the Deployment waits for besides its ConfigMap and Secret: the
   * VirtualService when this color has no weighted traffic, so it is scaled
   * down or rolled only after traffic has left it.
   * @default []
   */
  readonly waitFor?: readonly pulumi.Resource[];
}

/** The objects of one color. */
export interface ColorRelease {
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
}

/**
 * One color of a service, as children of `parent`: its immutable ConfigMap
 * (the config bound to this color's version) and Secret, its Deployment and,
 * with more than one pod, a PodDisruptionBudget. Rolling traffic back to this
 * color rolls config back with it, because no other color reads these
 * objects. The ConfigMaps and Secrets of the color's older revisions are kept
 * too, so `kubectl rollout undo` can start any revision the Deployment keeps.
 * Plain objects rather than a component of their own: a component is one more
 * registration, engine step and checkpoint write on every update.
 */
export function colorRelease(parent: pulumi.Resource, args: ColorReleaseArgs): ColorRelease {
  const { service, plan, namespace, contents } = args;
  const name = plan.name;
  const formerParent = pulumi.createUrn(name, FORMER_COMPONENT, parent);
  const labels = colorSelector(service.name, plan.color);
  const metadata = (content: NamedEnv) => ({ name: content.name, namespace, labels, annotations: { ...OWNERSHIP_ANNOTATIONS } });
  // Logical names carry the content's suffix, so each kept object keeps its URN while newer ones come and go.
  const logicalName = (role: string, content: NamedEnv, prefix: string) => `${name}-${role}-${content.name.slice(prefix.length)}`;
  // Stacks from before kept one object per role under `<name>-<role>`; the current content takes that URN over instead of replacing it.
  const kept = (role: string, current: boolean): pulumi.CustomResourceOptions => ({
    parent,
    aliases: current ? [{ parent: formerParent }, { name: `${name}-${role}`, parent: formerParent }] : [{ parent: formerParent }],
  });

  const configMaps = contents.configMaps.map(
    (content, index) =>
      new k8s.core.v1.ConfigMap(
        logicalName("config", content, `${name}-`),
        { metadata: metadata(content), immutable: true, data: { ...content.data } },
        kept("config", index === 0),
      ),
  );
  const configMap = configMaps[0]!;

  const secrets = contents.secrets.map(
    (content, index) =>
      new k8s.core.v1.Secret(
        logicalName("secret", content, `${name}-secret-`),
        // The Secret class marks data and stringData as Pulumi secrets itself.
        { metadata: metadata(content), immutable: true, type: "Opaque", stringData: { ...content.data } },
        kept("secret", index === 0 && contents.secret !== undefined),
      ),
  );
  const secret = contents.secret === undefined ? undefined : secrets[0];

  const deployment = new k8s.apps.v1.Deployment(
    name,
    {
      metadata: { name: plan.name, namespace, labels, annotations: { ...OWNERSHIP_ANNOTATIONS, ...plan.annotations } },
      spec: deploymentSpec(service, plan, args.image ?? plan.image, {
        configMap: contents.configMap.name,
        ...(contents.secret === undefined ? {} : { secret: contents.secret.name }),
      }),
    },
    {
      parent,
      aliases: [{ parent: formerParent }],
      dependsOn: [configMap, ...(secret === undefined ? [] : [secret]), ...(args.waitFor ?? [])],
      customTimeouts: rolloutTimeouts(plan.replicas, service.progressDeadlineSeconds),
    },
  );

  const disruptionBudget = needsDisruptionBudget(plan)
    ? new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
          metadata: { name: plan.name, namespace, labels, annotations: { ...OWNERSHIP_ANNOTATIONS } },
          spec: podDisruptionBudgetSpec(service.name, plan),
        },
        { parent, aliases: [{ parent: formerParent }], dependsOn: [deployment] },
      )
    : undefined;

  return { configMap, configMaps, secrets, deployment, ...(secret === undefined ? {} : { secret }), ...(disruptionBudget === undefined ? {} : { disruptionBudget }) };
}

function rolloutTimeouts(replicas: number, progressDeadlineSeconds: number): pulumi.CustomTimeouts {
  const wait = `${rolloutTimeoutSeconds(replicas, progressDeadlineSeconds)}s`;
  return { create: wait, update: wait };
}
