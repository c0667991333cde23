import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkout } from "../helpers/fixtures";
import { planService } from "../../model/plan";
import { routingInput, virtualServiceObject } from "../../model/routing/virtualService";
import { notReadyReason, type DeploymentState } from "../../cli/fastpath/readiness";
import { refusedSplit } from "../../cli/fastpath/policyWeights";

const blue = planService(checkout()).colors[0]!; // live blue: 3 replicas, version 1.4.2
const ready: DeploymentState = { generation: 4, observedGeneration: 4, readyReplicas: 3, updatedReplicas: 3, templateVersion: "1.4.2" };

describe("a color gets traffic from the API server only when ready", () => {
  it("is ready when the controller saw its spec and enough updated, ready pods run the configured version", () => {
    expect(notReadyReason(blue, "shop", ready)).toBeUndefined();
    expect(notReadyReason(blue, "shop", { ...ready, readyReplicas: 5, updatedReplicas: 5 })).toBeUndefined();
  });

  it.each([
    ["missing", undefined, "Deployment shop/checkout-blue does not exist"],
    ["a rollout not yet observed", { ...ready, generation: 5 }, "observedGeneration 4 is behind generation 5"],
    ["too few ready pods", { ...ready, readyReplicas: 2 }, "2 ready replicas of the 3 it needs"],
    ["too few updated pods", { ...ready, updatedReplicas: 1 }, "1 updated replicas of the 3 it needs"],
    ["another version", { ...ready, templateVersion: "1.4.1" }, "its pods run version 1.4.1 (label app.kubernetes.io/version), the config names 1.4.2"],
  ])("is not ready when %s, and says why naming the Deployment", (_label, state, reason) => {
    const said = notReadyReason(blue, "shop", state);
    expect(said).toContain(reason);
    expect(said).toMatch(/^Deployment shop\/checkout-blue /);
  });
});

describe("the policy pack's weights rule is checked, with the pack's own code, before traffic moves", () => {
  const configFile = (content: unknown) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-")), "config.json");
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const split = (canary: number) => virtualServiceObject(routingInput(planService(checkout((s) => (s.canary = canary))), "shop"));

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
