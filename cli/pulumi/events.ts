import type { EngineEvent } from "@pulumi/pulumi/automation";
import { PolicyViolationError, type PolicyFinding } from "./errors";

/** What the engine's events of one preview or update tell the command. */

/** An event that shows a resource was created, updated, deleted or replaced, or that an operation on one failed part-way. */
export function changesSomething(event: EngineEvent): boolean {
  if (event.resOpFailedEvent !== undefined) return true;
  const op = event.resOutputsEvent?.metadata.op;
  return op !== undefined && op !== "same" && op !== "read" && op !== "refresh";
}

/** Objects written to the cluster, as opposed to components and providers, which only group and configure. */
export function isClusterObject(type: string): boolean {
  return !type.startsWith("switchyard:") && !type.startsWith("pulumi:");
}

/** The policy findings of one preview or update. */
export class PolicyFindings {
  private readonly findings: PolicyFinding[] = [];

  constructor(private readonly onAdvisory: ((finding: PolicyFinding) => void) | undefined) {}

  collect(event: EngineEvent): void {
    const policy = event.policyEvent;
    if (policy === undefined) return;
    const finding: PolicyFinding = {
      policy: policy.policyName,
      enforcement: policy.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
      ...(policy.resourceUrn === undefined ? {} : { resource: policy.resourceUrn.split("::").pop()! }),
      message: withoutDescription(policy.message),
    };
    this.findings.push(finding);
    if (finding.enforcement === "advisory") this.onAdvisory?.(finding);
  }

  /** The error that refuses the change, when a mandatory policy was violated. */
  refusal(): PolicyViolationError | undefined {
    const mandatory = this.findings.filter((finding) => finding.enforcement === "mandatory");
    return mandatory.length === 0 ? undefined : new PolicyViolationError(mandatory);
  }
}

/** The engine sends the policy's description, then a newline and the violation's own message: the message says it all. */
function withoutDescription(message: string): string {
  const lines = message.trim().split("\n");
  return (lines.length > 1 ? lines.slice(1) : lines).join(" ").trim();
}
