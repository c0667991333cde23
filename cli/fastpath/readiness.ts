import { LABELS } from "../../model/naming";
import type { ColorPlan } from "../../model/plan";

/** What the API server says about one color's Deployment, as far as readiness goes. */
export interface DeploymentState {
  readonly generation?: number;
  readonly observedGeneration?: number;
  readonly readyReplicas?: number;
  readonly updatedReplicas?: number;
  /** The pod template's `app.kubernetes.io/version` label: the version its pods run. */
  readonly templateVersion?: string;
}

/**
 * Why a color must not get traffic straight from the API server, or nothing
 * when it is ready: the controller has seen its latest spec, at least the
 * plan's replicas are updated and ready, and they run the version the config
 * names. `pulumi up` would wait for exactly this before it writes the weights.
 */
export function notReadyReason(plan: ColorPlan, namespace: string, state: DeploymentState | undefined): string | undefined {
  const object = `Deployment ${namespace}/${plan.name}`;
  if (state === undefined) return `${object} does not exist`;
  const problems: string[] = [];
  if ((state.observedGeneration ?? 0) < (state.generation ?? 0)) {
    problems.push(`observedGeneration ${state.observedGeneration ?? 0} is behind generation ${state.generation}: its latest change has not rolled out`);
  }
  const ready = state.readyReplicas ?? 0;
  const updated = state.updatedReplicas ?? 0;
  if (updated < plan.replicas) problems.push(`${updated} updated replicas of the ${plan.replicas} it needs`);
  if (ready < plan.replicas) problems.push(`${ready} ready replicas of the ${plan.replicas} it needs`);
  if (state.templateVersion !== plan.slot.version) {
    problems.push(`its pods run version ${state.templateVersion ?? "(no version label)"} (label ${LABELS.version}), the config names ${plan.slot.version}`);
  }
  return problems.length === 0 ? undefined : `${object} is not ready for traffic: ${problems.join("; ")}`;
}
