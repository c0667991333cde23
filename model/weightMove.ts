import type { ServiceConfig, StackConfig } from "./config/settings";
import type { Color } from "./config/schema";
import { serviceKey } from "./config/keys";
import { planService, type ColorPlan, type ServicePlan } from "./plan";

/**
 * Whether a release edit moves nothing but one service's VirtualService
 * weights: then every object `pulumi up` would write is already as the new
 * config wants it except the VirtualService, and traffic can be moved on the
 * API server first. Anything else (a version, env, replica count, another
 * key or service) needs `pulumi up` and its readiness waits.
 */
export type WeightMove =
  | {
      readonly weightOnly: true;
      /** The service after the edit. */
      readonly plan: ServicePlan;
      /** Colors whose weight rises: they must be ready before traffic moves onto them. */
      readonly gaining: readonly ColorPlan[];
    }
  | { readonly weightOnly: false; readonly reason: string };

/** The reason given for an edit that leaves traffic where it is (a deploy): there is nothing to move first. */
export const NO_WEIGHT_CHANGE = "the weights do not change";

export function weightMove(before: StackConfig, after: StackConfig, serviceName: string): WeightMove {
  const old = before.services.find((s) => s.name === serviceName);
  const next = after.services.find((s) => s.name === serviceName);
  if (old === undefined || next === undefined) return { weightOnly: false, reason: `service ${serviceName} is not in both configs` };
  const oldPlan = planService(old);
  const newPlan = planService(next);
  const changed = newPlan.colors.filter((color) => oldPlan.weights[color.color] !== color.weight);
  if (changed.length === 0) return { weightOnly: false, reason: NO_WEIGHT_CHANGE };
  // Only live and canary may differ: they decide weights (and through them replicas, checked below) and nothing else.
  if (canonical(withoutTraffic(before, old)) !== canonical(withoutTraffic(after, next))) {
    return { weightOnly: false, reason: `the edit changes more than ${serviceKey(serviceName, "live")} and ${serviceKey(serviceName, "canary")}` };
  }
  for (const color of newPlan.colors) {
    const was = replicasOf(oldPlan, color.color);
    if (was !== color.replicas) {
      return { weightOnly: false, reason: `${color.name} goes from ${was} to ${color.replicas} replicas (idleReplicas ${next.idleReplicas} < replicas ${next.replicas})` };
    }
  }
  return { weightOnly: true, plan: newPlan, gaining: changed.filter((color) => color.weight > oldPlan.weights[color.color]) };
}

function replicasOf(plan: ServicePlan, color: Color): number | undefined {
  return plan.colors.find((c) => c.color === color)?.replicas;
}

function withoutTraffic(config: StackConfig, service: ServiceConfig): unknown {
  const { live: _live, canary: _canary, ...rest } = service;
  return { ...config, services: config.services.map((s) => (s === service ? rest : s)) };
}

/** JSON with object keys sorted, so two equal configs compare equal whatever order their keys were read in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
