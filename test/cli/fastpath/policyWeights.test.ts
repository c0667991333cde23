import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { refusedSplit } from "../../../cli/fastpath/policyWeights";
import { planService } from "../../../model/plan";
import { routingInput } from "../../../model/routing/input";
import { routeObject } from "../../../model/routing/routeObject";
import { checkout } from "../../helpers/fixtures";

describe("the policy pack's weights rule is checked, with the pack's own code, before traffic moves", () => {
  const configFile = (content: unknown) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-")), "config.json");
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const split = (canary: number) => routeObject(routingInput(planService(checkout((s) => (s.canary = canary))), "shop"));

  it("refuses a split the stack's policy config does not allow, with the pack's message, and allows its steps", () => {
    const file = configFile({ weights: { enforcementLevel: "mandatory", allowedCanaryWeights: [0, 5, 25, 50, 100] } });
    expect(refusedSplit(file, split(10))).toMatch(
      new RegExp(`^the policy pack's weights rule \\(${file}\\) refuses it: VirtualService shop/checkout http route "\\S+" sends 90% to subset blue, 10% to subset green, a step this stack does not allow`),
    );
    expect(refusedSplit(file, split(25))).toBeUndefined();
    expect(refusedSplit(file, split(0))).toBeUndefined();
  });

  it("reads the prod form (all: mandatory, options without a level) and ignores a disabled or advisory rule, or no config", () => {
    expect(refusedSplit(configFile({ all: "mandatory", weights: { allowedCanaryWeights: [0, 5, 100] } }), split(10))).toContain("90% to subset blue");
    expect(refusedSplit(configFile({ weights: { enforcementLevel: "disabled", allowedCanaryWeights: [0, 100] } }), split(10))).toBeUndefined();
    expect(refusedSplit(configFile({ weights: { enforcementLevel: "advisory", allowedCanaryWeights: [0, 100] } }), split(10))).toBeUndefined();
    expect(refusedSplit(undefined, split(10))).toBeUndefined();
  });
});
