/** What a violation says: where, what is wrong (with the offending value), the rule, and how to fix it. */
export interface Finding {
  /** e.g. `Deployment shop/checkout-blue, container checkout`. */
  readonly resource: string;
  /** e.g. `runs image "repo:latest", whose tag latest is mutable`. */
  readonly problem: string;
  readonly rule: string;
  readonly fix: string;
}

export function violationMessage(finding: Finding): string {
  return `${finding.resource} ${finding.problem}. Rule: ${finding.rule}. Fix: ${finding.fix}.`;
}
