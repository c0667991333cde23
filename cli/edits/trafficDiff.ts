import type { ServiceConfig } from "../../model/config/settings";
import { COLORS } from "../../model/config/schema";
import { trafficWeights } from "../../model/traffic";

/**
 * What a release edit does to one service, in the words an operator reviews:
 * `checkout: blue 100 -> 95, green 0 -> 5`, `checkout: mirrored to the idle color 0% -> 10%`
 * and `checkout: green 1.5.0 -> 1.6.0`.
 */
export function trafficDiff(before: ServiceConfig, after: ServiceConfig): string[] {
  const old = trafficWeights(before.live, before.canary);
  const next = trafficWeights(after.live, after.canary);
  const deployed = COLORS.filter((color) => before.slots[color] !== undefined || after.slots[color] !== undefined);
  const weightsChanged = deployed.some((color) => old[color] !== next[color]);
  const traffic = weightsChanged
    ? deployed.map((color) => `${color} ${old[color]} -> ${next[color]}`).join(", ")
    : `traffic unchanged (${deployed.map((color) => `${color} ${next[color]}`).join(", ")})`;
  const versions = deployed.flatMap((color) => {
    const from = before.slots[color]?.version;
    const to = after.slots[color]?.version;
    return from === to ? [] : [`${color} ${from ?? "(none)"} -> ${to ?? "(none)"}`];
  });
  const mirror = before.mirror === after.mirror ? [] : [`mirrored to the idle color ${before.mirror}% -> ${after.mirror}%`];
  return [traffic, ...mirror, ...versions].map((line) => `${before.name}: ${line}`);
}
