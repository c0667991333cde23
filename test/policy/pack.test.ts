import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ENFORCEMENT_LEVEL, policies } from "../../policy/policies";
import { checkout } from "../helpers/fixtures";
import { switchyardResources, type FixtureResource } from "./helpers/fixtures";
import { effectiveConfig, readPackConfig } from "./helpers/packConfig";
import type { ResourceValidationPolicy, StackValidationPolicy } from "./helpers/policySdk";
import { checkEachResource, checkStack, type Violation } from "./helpers/runPolicy";

const DIGEST = (n: string) => `sha256:${n.repeat(64)}`;

/** Runs every policy on the stack with the options one environment gives it. */
async function violationsOf(resources: FixtureResource[], options: Map<string, { options: Record<string, unknown> }>): Promise<Violation[]> {
  const found: Violation[] = [];
  for (const policy of policies) {
    const own = options.get(policy.name)!.options;
    if ("validateStack" in policy) found.push(...(await checkStack(policy as StackValidationPolicy, resources, own)));
    else found.push(...(await checkEachResource(policy as ResourceValidationPolicy, resources, own)));
  }
  return found;
}

describe("the policy pack", () => {
  it("names every policy in kebab-case, once, with a description", () => {
    const names = policies.map((policy) => policy.name);
    expect(names).toEqual([
      "immutable-images",
      "probes",
      "revision-history",
      "weights",
      "lane-header-routes",
      "traffic-only-to-ready-capacity",
      "warm-standby",
      "secure-pods",
      "resource-requests",
      "disruption-budget",
      "no-secrets-in-configmaps",
    ]);
    for (const policy of policies) expect(policy.description.length).toBeGreaterThan(20);
  });

  it("declares a default for every option", () => {
    for (const policy of policies) {
      for (const [option, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        expect(schema.default, `${policy.name}.${option}`).toBeDefined();
        expect(schema.description, `${policy.name}.${option}`).toBeDefined();
      }
    }
  });

  it("fails closed: without a config file every policy is mandatory", () => {
    expect(DEFAULT_ENFORCEMENT_LEVEL).toBe("mandatory");
    expect(policies.filter((policy) => policy.enforcementLevel !== undefined)).toEqual([]);
  });

  it.each(["dev", "prod"] as const)("config.%s.json names only policies of the pack and options they declare", (environment) => {
    const file = readPackConfig(environment);
    const byName = new Map(policies.map((policy) => [policy.name, policy]));
    for (const [key, entry] of Object.entries(file)) {
      if (key === "all") continue;
      const policy = byName.get(key);
      expect(policy, `config.${environment}.json: ${key}`).toBeDefined();
      if (typeof entry === "string") continue;
      const { enforcementLevel: _, ...options } = entry;
      const declared = Object.keys(policy!.configSchema?.properties ?? {});
      for (const option of Object.keys(options)) expect(declared, `${key}.${option}`).toContain(option);
    }
  });

  it("makes every policy mandatory in prod, with digests required and canary steps of 0, 5, 25, 50, 100", () => {
    const prod = effectiveConfig(policies, DEFAULT_ENFORCEMENT_LEVEL, readPackConfig("prod"));
    expect([...prod.values()].map((config) => config.enforcementLevel)).toEqual(policies.map(() => "mandatory"));
    expect(prod.get("immutable-images")!.options.requireDigest).toBe(true);
    expect(prod.get("weights")!.options.allowedCanaryWeights).toEqual([0, 5, 25, 50, 100]);
  });

  it("keeps dev's safety rules mandatory and only advises on capacity kept for rollbacks and drains", () => {
    const dev = effectiveConfig(policies, DEFAULT_ENFORCEMENT_LEVEL, readPackConfig("dev"));
    expect(Object.fromEntries([...dev].map(([name, config]) => [name, config.enforcementLevel]))).toEqual({
      "immutable-images": "mandatory",
      probes: "mandatory",
      "revision-history": "mandatory",
      weights: "mandatory",
      "lane-header-routes": "mandatory",
      "traffic-only-to-ready-capacity": "mandatory",
      "warm-standby": "advisory",
      "secure-pods": "mandatory",
      "resource-requests": "mandatory",
      "disruption-budget": "advisory",
      "no-secrets-in-configmaps": "mandatory",
    });
    expect(dev.get("immutable-images")!.options.requireDigest).toBe(false);
  });

  describe("switchyard's own program", () => {
    let devLike: FixtureResource[];
    let prodLike: FixtureResource[];
    beforeAll(async () => {
      devLike = await switchyardResources(checkout((service) => (service.canary = 5)));
      prodLike = await switchyardResources(
        checkout((service) => {
          service.replicas = 4;
          service.canary = 25;
          service.blue.digest = DIGEST("a");
          service.green.digest = DIGEST("b");
        }),
      );
    });

    it("passes every policy with the dev config", async () => {
      expect(await violationsOf(devLike, effectiveConfig(policies, DEFAULT_ENFORCEMENT_LEVEL, readPackConfig("dev")))).toEqual([]);
    });

    it("passes every policy with the prod config when its images are pinned by digest", async () => {
      const prod = effectiveConfig(policies, DEFAULT_ENFORCEMENT_LEVEL, readPackConfig("prod"));
      expect(await violationsOf(prodLike, prod)).toEqual([]);
      expect((await violationsOf(devLike, prod)).map((v) => v.what)).toEqual([
        'Deployment shop/checkout-blue container "checkout" runs image "registry.example.com/shop/checkout:1.4.2", which is not pinned by digest, as this stack requires (option requireDigest)',
        'Deployment shop/checkout-green container "checkout" runs image "registry.example.com/shop/checkout:1.5.0", which is not pinned by digest, as this stack requires (option requireDigest)',
      ]);
    });
  });
});
