import type { StackConfig } from "../../model/config/settings";
import { routingInput } from "../../model/routing/input";
import { describeRoute, routeObject, type RouteObject } from "../../model/routing/routeObject";
import { canonical, NO_WEIGHT_CHANGE, weightMove, type ServiceWeightMove } from "../../model/weightMove";
import type { CheckedEdit } from "../edits/apply";
import type { KubeconfigSetting } from "../kube/kubeconfig";
import { ClusterError, connect, type LiveRoute, type RoutingCluster } from "./cluster";
import { PartialMoveError } from "./errors";
import type { TrafficMoved } from "./moved";
import { refusedSplit } from "./policyWeights";
import { notReadyReason } from "./readiness";

export type FastPathOutcome =
  | { readonly moved: readonly TrafficMoved[] }
  /** `movesTraffic` is false for edits that leave the weights alone (a deploy): nothing to say about them. */
  | { readonly skipped: string; readonly movesTraffic: boolean };

export interface FastPathInput {
  /** The stack config before the edits: what the VirtualServices hold now, if this clone is in step with the cluster. */
  readonly before: StackConfig;
  readonly checked: CheckedEdit;
  readonly renderMode: boolean;
  readonly cluster: KubeconfigSetting;
  /** `Pulumi.<stack>.yaml`, for messages. */
  readonly stackFile: string;
  /** The policy config the record's `pulumi up` will run the pack with. */
  readonly policyConfigFile?: string;
  /** Seconds since the command started. */
  readonly clock?: () => number;
}

interface PlannedMove {
  readonly move: ServiceWeightMove;
  readonly object: RouteObject;
}

/**
 * Moves a weight-only edit's traffic on the API server: each VirtualService
 * exactly as the program renders it, applied in parallel once every color
 * that gains weight is ready and each VirtualService still holds what this
 * clone's stack file renders for it (so a clone behind the cluster, or a move
 * not yet recorded, never gets overwritten from here). Anything that is not
 * safe to do without `pulumi up` is skipped with the reason; the API server
 * failing is a ClusterError, and then nothing was moved or written.
 */
export async function moveTrafficFirst(input: FastPathInput): Promise<FastPathOutcome> {
  const { before, checked } = input;
  const clock = input.clock ?? (() => process.uptime());
  if (input.renderMode) return { skipped: "render mode: there is no cluster to move traffic on", movesTraffic: true };
  const move = weightMove(before, checked.next, checked.edits.map((edit) => edit.service));
  if (!move.weightOnly) return { skipped: move.reason, movesTraffic: move.reason !== NO_WEIGHT_CHANGE };
  const namespace = checked.next.namespace;
  const planned = move.services.map((service) => ({ move: service, object: routeObject(routingInput(service.plan, namespace)) }));
  for (const { object } of planned) {
    const refused = refusedSplit(input.policyConfigFile, object);
    if (refused !== undefined) return { skipped: refused, movesTraffic: true };
  }

  const cluster = await connect(input.cluster);
  try {
    const live = await Promise.all(planned.map((entry) => readState(cluster, namespace, entry)));
    for (const [index, { move: service }] of planned.entries()) {
      const reason = liveMismatch(live[index]!.route, service, namespace, input.stackFile) ?? live[index]!.notReady;
      if (reason !== undefined) return { skipped: reason, movesTraffic: true };
    }
    const applied = await Promise.allSettled(
      planned.map(async ({ move: service, object }, index): Promise<TrafficMoved> => {
        const resourceVersion = await cluster.applyRoute(object, service.plan.service.router, live[index]!.route.resourceVersion);
        return { service: service.plan.service.name, object: `${namespace}/${object.metadata.name}`, kind: object.kind, split: splitOf(service), safeAtSeconds: clock(), resourceVersion };
      }),
    );
    return { moved: movedOrThrow(applied) };
  } finally {
    cluster.close();
  }
}

interface LiveState {
  readonly route: LiveRoute;
  readonly notReady?: string;
}

/** The route object and every gaining color's Deployment, read at once. */
async function readState(cluster: RoutingCluster, namespace: string, { move, object }: PlannedMove): Promise<LiveState> {
  const [route, states] = await Promise.all([
    cluster.route(move.plan.service.router, namespace, object.metadata.name),
    Promise.all(move.gaining.map((color) => cluster.deploymentState(namespace, color.name))),
  ]);
  const notReady = move.gaining.map((color, index) => notReadyReason(color, namespace, states[index])).find((reason) => reason !== undefined);
  return { route, ...(notReady === undefined ? {} : { notReady }) };
}

/** Why the live route object is not what the stack file renders for the service before the edit, if it is not. */
function liveMismatch(live: LiveRoute, service: ServiceWeightMove, namespace: string, stackFile: string): string | undefined {
  const expected = routeObject(routingInput(service.before, namespace));
  if (canonical(live.spec) === canonical(expected.spec)) return undefined;
  return (
    `${describeRoute(expected)} does not hold what ${stackFile} says (${splitOf({ plan: service.before })}): ` +
    `a move not yet recorded, another operator's change, or an edit not yet applied; pulumi up, after the stale-clone check, decides`
  );
}

/** Every move, when all applies succeeded; nothing moved is a ClusterError; some moved is a PartialMoveError naming both. */
function movedOrThrow(applied: readonly PromiseSettledResult<TrafficMoved>[]): TrafficMoved[] {
  const moved = applied.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failures = applied.flatMap((result) => (result.status === "rejected" ? [result.reason as Error] : []));
  if (failures.length === 0) return moved;
  if (moved.length === 0) throw failures.length === 1 ? failures[0]! : new ClusterError(failures.map((failure) => failure.message).join("\n"));
  throw new PartialMoveError(moved, failures);
}

function splitOf(service: Pick<ServiceWeightMove, "plan">): string {
  return service.plan.colors
    .filter((c) => c.weight > 0)
    .map((c) => `${c.weight}% ${c.color}`)
    .join(", ");
}
