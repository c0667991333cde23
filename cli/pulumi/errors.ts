/** One policy finding as the engine reported it. */
export interface PolicyFinding {
  readonly policy: string;
  readonly enforcement: "mandatory" | "advisory";
  /** The resource's name in the stack, e.g. `checkout-virtualservice`; absent for a stack-wide policy. */
  readonly resource?: string;
  /** The policy's own words: the resource, the offending value, the rule and the fix. */
  readonly message: string;
}

export function formatFinding(finding: PolicyFinding): string {
  return `policy ${finding.policy} (${finding.enforcement})${finding.resource === undefined ? "" : ` on ${finding.resource}`}: ${finding.message}`;
}

/** The policy pack refused the change: it is bad input, like a config error, and nothing was written. */
export class PolicyViolationError extends Error {
  override name = "PolicyViolationError";
  constructor(
    readonly findings: readonly PolicyFinding[],
    /** What became of the stack file, when the refusal came from `pulumi up`. */
    note?: string,
  ) {
    const lines = findings.map((finding) => `  ${formatFinding(finding)}`);
    super(`the policy pack refused the change:\n${lines.join("\n")}${note === undefined ? "" : `\n${note}`}`);
  }
}

/** `pulumi up` failed; `changedAnything` says whether any resource was created, updated or deleted before it did. */
export class UpdateFailedError extends Error {
  override name = "UpdateFailedError";
  constructor(
    message: string,
    readonly changedAnything: boolean,
  ) {
    super(message);
  }
}
