import { PolicyPack } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT_LEVEL, policies } from "./policies";

/**
 * switchyard's CrossGuard policy pack. Every policy is mandatory unless the
 * policy pack config of the environment (config.dev.json, config.prod.json)
 * says otherwise, so running the pack without a config fails closed.
 */
new PolicyPack("switchyard", { policies, enforcementLevel: DEFAULT_ENFORCEMENT_LEVEL });
