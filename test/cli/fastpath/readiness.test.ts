import { describe, expect, it } from "vitest";
import { checkout } from "../../helpers/fixtures";
import { planService } from "../../../model/plan";
import { notReadyReason, type DeploymentState } from "../../../cli/fastpath/readiness";

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
