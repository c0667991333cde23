import type { EngineEvent } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { PolicyViolationError } from "../../../cli/pulumi/errors";
import { changesSomething, PolicyFindings } from "../../../cli/pulumi/events";

const policyEvent = (enforcementLevel: "mandatory" | "warning", policyName = "weights"): EngineEvent =>
  ({
    sequence: 1,
    timestamp: 0,
    policyEvent: {
      resourceUrn: "urn:pulumi:dev::switchyard::switchyard:service:BlueGreenService$switchyard:mesh:IstioRouting$kubernetes:networking.istio.io/v1:VirtualService::checkout-virtualservice",
      message: "Every VirtualService route's weights sum to 100.\nVirtualService shop/checkout sends 90% to blue, 10% to green. Rule: allowed steps 0, 5. Fix: use one.",
      color: "never",
      policyName,
      policyPackName: "switchyard",
      policyPackVersion: "0.1.0",
      policyPackVersionTag: "0.1.0",
      enforcementLevel,
    },
  }) as EngineEvent;

describe("what the engine's events tell the command", () => {
  it("refuses with every mandatory finding, naming the policy and the resource, in the violation's own words", () => {
    const findings = new PolicyFindings(undefined);
    findings.collect(policyEvent("mandatory"));
    const refusal = findings.refusal();
    expect(refusal).toBeInstanceOf(PolicyViolationError);
    expect(refusal!.message).toBe(
      "the policy pack refused the change:\n  policy weights (mandatory) on checkout-virtualservice: VirtualService shop/checkout sends 90% to blue, 10% to green. Rule: allowed steps 0, 5. Fix: use one.",
    );
  });

  it("passes advisory findings on as warnings and refuses nothing for them", () => {
    const advisories: string[] = [];
    const findings = new PolicyFindings((finding) => advisories.push(`${finding.policy} ${finding.enforcement}`));
    findings.collect(policyEvent("warning", "warm-standby"));
    expect(findings.refusal()).toBeUndefined();
    expect(advisories).toEqual(["warm-standby advisory"]);
  });

  it.each([
    ["update", true],
    ["create", true],
    ["delete", true],
    ["replace", true],
    ["same", false],
    ["read", false],
  ])("counts a resource step %s as a change: %s", (op, changed) => {
    const event = { sequence: 1, timestamp: 0, resOutputsEvent: { metadata: { op, urn: "u", type: "t", provider: "" } } } as unknown as EngineEvent;
    expect(changesSomething(event)).toBe(changed);
  });
});
