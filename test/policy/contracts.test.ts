import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { refusedSplit } from "../../cli/fastpath/policyWeights";
import { weights } from "../../policy/policies/weights";
import { checkout } from "../helpers/fixtures";
import { byName, switchyardResources, TYPES } from "./helpers/fixtures";
import { checkResource } from "./helpers/runPolicy";
import { BUILTIN_DEFAULTS } from "../../model/config/settings";
import * as model from "../../model/images";
import { COLOR_HEADER, LABELS } from "../../model/naming";
import { planService } from "../../model/plan";
import { routingInput } from "../../model/routing/input";
import { routeObject } from "../../model/routing/routeObject";
import * as pack from "../../policy/lib/imageReference";
import { COLOR_HEADER as PACK_COLOR_HEADER, COLORS as PACK_COLORS, SWITCHYARD_LABELS } from "../../policy/lib/switchyard";
import { COLORS } from "../../model/config/schema";
import { PROBES_DEFAULTS } from "../../policy/policies/probes";

/**
 * The policy pack is a package of its own (CrossGuard loads it alone), so it
 * carries copies of the program's contracts. These tests fail the moment a
 * copy and the model's original disagree.
 */

const SHA256 = `sha256:${"a".repeat(64)}`;

describe("the policy pack's copies of switchyard's contracts match the model", () => {
  it("finds a color's service and color by the labels the program puts on it", () => {
    expect(SWITCHYARD_LABELS).toEqual({ service: LABELS.name, color: LABELS.color });
  });

  it("knows the lane header and the colors by the model's names", () => {
    expect(PACK_COLOR_HEADER).toBe(COLOR_HEADER);
    expect(PACK_COLORS).toEqual(COLORS);
  });

  it("expects the probe paths the program gives by default", () => {
    expect(PROBES_DEFAULTS).toEqual({
      readinessPath: BUILTIN_DEFAULTS.probes.readiness.path,
      livenessPath: BUILTIN_DEFAULTS.probes.liveness.path,
    });
  });

  it.each([
    SHA256,
    `sha256:${"A".repeat(64)}`,
    `sha256:${"a".repeat(63)}`,
    `sha512:${"a".repeat(128)}`,
    `md5:${"a".repeat(32)}`,
    "a".repeat(64),
  ])("judges the digest %s as the program does", (digest) => {
    expect(pack.isDigest(digest)).toBe(model.isDigest(digest));
  });

  it.each([
    "1.4.2",
    "v1.4.2",
    "1.4.2-rc.1",
    "1.4.2+build.7",
    "1.4",
    "01.4.2",
    "latest",
    "stable",
    "20240520-1423-abc7f9d",
    "20240520-1423-ABC7F9D",
    "2024-05-20",
    "V1.4.2",
  ])("judges the tag %s as immutable or not as the program does", (tag) => {
    expect(pack.isImmutableTag(tag)).toBe(model.isImmutableTag(tag));
  });
});

describe("the fast path, which runs the pack's weights rule on the VirtualService it applies, refuses exactly what the pack refuses in pulumi up", () => {
  const allowedCanaryWeights = [0, 5, 25, 50, 100];
  const configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-contract-")), "config.prod.json");
  fs.writeFileSync(configFile, JSON.stringify({ weights: { enforcementLevel: "mandatory", allowedCanaryWeights } }));

  it.each([0, 5, 10, 25, 33, 50, 75, 95, 100])("canary %i", async (canary) => {
    const resources = await switchyardResources(checkout((service) => (service.canary = canary)));
    const packRefuses = (await checkResource(weights, byName(resources, TYPES.virtualService, "checkout-virtualservice"), { allowedCanaryWeights })).length > 0;
    const object = routeObject(routingInput(planService(checkout((service) => (service.canary = canary))), "shop"));
    expect(refusedSplit(configFile, object) !== undefined).toBe(packRefuses);
  });
});
