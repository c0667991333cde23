import type { ServiceConfig, StackConfig } from "./config/settings";
import type { Color } from "./config/schema";
import { serviceKey } from "./config/keys";
import { planService, type ColorPlan, type ServicePlan } from "./plan";

/**
 * Whether release edits move nothing but the named services' VirtualService
 * weights: then every object `pulumi up` would write is already as the new
 * config wants it except those VirtualServices, and traffic can be moved on
 * the API server first. Anything else (a version, env, replica count,
 * another key or service) needs `pulumi up` and its readiness waits.
 */
export type WeightMove =
  | {
      readonly weightOnly: true;
      /** One entry per named service whose weights change, in the order named. */
      readonly services: readonly ServiceWeightMove[];
    }
  | { readonly weightOnly: false; readonly reason: string };

export interface ServiceWeightMove {
  /** The service before the edit: what its VirtualService holds now. */
  readonly before: ServicePlan;
  /** The service after the edit. */
  readonly plan: ServicePlan;
  /** Colors whose weight rises: they must be ready before traffic moves onto them. */
  readonly gaining: readonly ColorPlan[];
}

/** The reason given for edits that leave traffic where it is (a deploy): there is nothing to move first. */
export const NO_WEIGHT_CHANGE = "the weights do not change";

export function weightMove(before: StackConfig, after: StackConfig, serviceNames: readonly string[]): WeightMove {
  const pairs: { old: ServiceConfig; next: ServiceConfig }[] = [];
  for (const name of serviceNames) {
    const old = before.services.find((s) => s.name === name);
    const next = after.services.find((s) => s.name === name);
    if (old === undefined || next === undefined) return { weightOnly: false, reason: `service ${name} is not in both configs` };
    pairs.push({ old, next });
  }
  // Only live and canary of the named services may differ: they decide weights (and through them replicas, checked below) and nothing else.
  if (canonical(withoutTraffic(before, serviceNames)) !== canonical(withoutTraffic(after, serviceNames))) {
    const keys = serviceNames.flatMap((name) => [serviceKey(name, "live"), serviceKey(name, "canary")]);
    return { weightOnly: false, reason: `the edit changes more than ${keys.join(" and ")}` };
  }
  const services: ServiceWeightMove[] = [];
  for (const { old, next } of pairs) {
    const oldPlan = planService(old);
    const newPlan = planService(next);
    const changed = newPlan.colors.filter((color) => oldPlan.weights[color.color] !== color.weight);
    if (changed.length === 0) continue;
    for (const color of newPlan.colors) {
      const was = replicasOf(oldPlan, color.color);
      if (was !== color.replicas) {
        return { weightOnly: false, reason: `${color.name} goes from ${was} to ${color.replicas} replicas (idleReplicas ${next.idleReplicas} < replicas ${next.replicas})` };
      }
    }
    services.push({ before: oldPlan, plan: newPlan, gaining: changed.filter((color) => color.weight > oldPlan.weights[color.color]) });
  }
  return services.length === 0 ? { weightOnly: false, reason: NO_WEIGHT_CHANGE } : { weightOnly: true, services };
}

function replicasOf(plan: ServicePlan, color: Color): number | undefined {
  return plan.colors.find((c) => c.color === color)?.replicas;
}

function withoutTraffic(config: StackConfig, serviceNames: readonly string[]): unknown {
  return {
    ...config,
    services: config.services.map((service) => {
      if (!serviceNames.includes(service.name)) return service;
      const { live: _live, canary: _canary, ...rest } = service;
      return rest;
    }),
  };
}

/** JSON with object keys sorted, so two equal configs compare equal whatever order their keys were read in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
