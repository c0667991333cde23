import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { disruptionBudget } from "./policies/disruptionBudget";
import { immutableImages } from "./policies/immutableImages";
import { laneRoutes } from "./policies/laneRoutes";
import { noSecretsInConfigMaps } from "./policies/noSecretsInConfigMaps";
import { probes } from "./policies/probes";
import { trafficOnlyToReadyCapacity } from "./policies/readyCapacity";
import { resourceRequests } from "./policies/resourceRequests";
import { revisionHistory } from "./policies/revisionHistory";
import { securePods } from "./policies/securePods";
import { warmStandby } from "./policies/warmStandby";
import { weights } from "./policies/weights";

/** Every policy of the pack; kept apart from index.ts because constructing the PolicyPack starts its server. */
export const policies: Policies = [
  immutableImages,
  probes,
  revisionHistory,
  weights,
  laneRoutes,
  trafficOnlyToReadyCapacity,
  warmStandby,
  securePods,
  resourceRequests,
  disruptionBudget,
  noSecretsInConfigMaps,
];

/** Level of a policy the environment's config file does not mention: the pack fails closed. */
export const DEFAULT_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";
