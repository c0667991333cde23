import type { Color } from "./config/schema";

export type TrafficWeights = Readonly<Record<Color, number>>;

export function otherColor(color: Color): Color {
  return color === "blue" ? "green" : "blue";
}

/** The live color gets `100 - canary` percent, the other color `canary` percent; they always sum to 100. */
export function trafficWeights(live: Color, canary: number): TrafficWeights {
  const weights = { blue: 0, green: 0 };
  weights[live] = 100 - canary;
  weights[otherColor(live)] = canary;
  return weights;
}

/**
 * Pods a color runs: a color with any weighted traffic runs the full
 * `replicas` (a 5% canary still has to survive a burst); a color with none
 * keeps `idleReplicas` as the warm standby a rollback returns to.
 */
export function colorReplicas(weight: number, replicas: number, idleReplicas: number): number {
  return weight > 0 ? replicas : idleReplicas;
}
