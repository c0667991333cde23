import { routingInput, virtualServiceObject } from "../../model/routing/virtualService";
import { NO_WEIGHT_CHANGE, weightMove } from "../../model/weightMove";
import type { CheckedEdit } from "../edits/apply";
import type { CurrentConfig } from "../pulumi/session";
import { ClusterError, connect } from "./cluster";
import { refusedSplit } from "./policyWeights";
import { notReadyReason } from "./readiness";

/** Traffic is where the edit wants it, on the cluster, before anything is recorded. */
export interface TrafficMoved {
  readonly service: string;
  /** `namespace/name` of the VirtualService. */
  readonly object: string;
  /** `100% blue` or `75% blue, 25% green`. */
  readonly split: string;
  /** Seconds since the command started when the API server accepted the apply. */
  readonly safeAtSeconds: number;
  readonly resourceVersion: string;
}

export type FastPathOutcome =
  | { readonly moved: TrafficMoved }
  /** `movesTraffic` is false for an edit that leaves the weights alone (a deploy): nothing to say about it. */
  | { readonly skipped: string; readonly movesTraffic: boolean };

export interface FastPathInput {
  readonly current: CurrentConfig;
  readonly checked: CheckedEdit;
  readonly projectDir: string;
  /** The policy config the record's `pulumi up` will run the pack with. */
  readonly policyConfigFile?: string;
  /** Seconds since the command started. */
  readonly clock?: () => number;
}

/**
 * Moves a weight-only edit's traffic on the API server: the VirtualService
 * exactly as the program renders it, applied once every color that gains
 * weight is ready. Anything that is not safe to do without `pulumi up`
 * (other changes, a color not ready, a split the policy forbids) is skipped
 * with the reason; the API server failing is a ClusterError, and then
 * nothing was moved or written. This module loads the Kubernetes client:
 * import it lazily.
 */
export async function moveTrafficFirst(input: FastPathInput): Promise<FastPathOutcome> {
  const { current, checked } = input;
  const clock = input.clock ?? (() => process.uptime());
  if (current.context.renderMode) return { skipped: "render mode: there is no cluster to move traffic on", movesTraffic: true };
  const move = weightMove(current.config, checked.next, checked.edit.service);
  if (!move.weightOnly) return { skipped: move.reason, movesTraffic: move.reason !== NO_WEIGHT_CHANGE };
  const refused = refusedSplit(input.policyConfigFile, move.plan.colors.map((c) => c.weight));
  if (refused !== undefined) return { skipped: refused, movesTraffic: true };

  const namespace = checked.next.namespace;
  const object = virtualServiceObject(routingInput(move.plan, namespace));
  let cluster;
  try {
    cluster = connect(current.kubeconfig, input.projectDir);
  } catch (error) {
    throw new ClusterError(`the kubeconfig ${current.kubeconfig ?? "(default)"} cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Both reads at once: the object must exist (an apply would create it behind Pulumi's back) and each gaining color be ready.
  const [, states] = await Promise.all([
    cluster.virtualServiceVersion(namespace, object.metadata.name),
    Promise.all(move.gaining.map((color) => cluster.deploymentState(namespace, color.name))),
  ]);
  for (const [index, color] of move.gaining.entries()) {
    const reason = notReadyReason(color, namespace, states[index]);
    if (reason !== undefined) return { skipped: reason, movesTraffic: true };
  }
  const resourceVersion = await cluster.applyVirtualService(object);
  return {
    moved: {
      service: checked.edit.service,
      object: `${namespace}/${object.metadata.name}`,
      split: splitOf(move.plan.colors),
      safeAtSeconds: clock(),
      resourceVersion,
    },
  };
}

function splitOf(colors: readonly { color: string; weight: number }[]): string {
  return colors
    .filter((c) => c.weight > 0)
    .map((c) => `${c.weight}% ${c.color}`)
    .join(", ");
}
