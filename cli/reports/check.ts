import type { StackConfig } from "../../model/config/settings";
import { trafficDiff } from "../edits/trafficDiff";
import { formatFinding, type PolicyFinding } from "../pulumi/errors";
import type { PlannedStep } from "../pulumi/session";

/** What `switchyard check` found for a stack file against the backend: the review of a pull request. */
export interface CheckReport {
  readonly stack: string;
  /** Per service, what the file changes against the last update: `checkout: blue 100 -> 75, green 0 -> 25`. */
  readonly traffic: readonly string[];
  readonly steps: readonly PlannedStep[];
  readonly advisories: readonly PolicyFinding[];
  /** Why the change cannot go in: config problems, policy violations, a file behind the backend. Empty when it can. */
  readonly refusal?: string;
}

/** Each service's traffic and version changes from what the backend last ran to what the file says. */
export function trafficChanges(deployed: StackConfig | undefined, proposed: StackConfig): string[] {
  return proposed.services.flatMap((service) => {
    const before = deployed?.services.find((candidate) => candidate.name === service.name);
    return before === undefined ? [`${service.name}: new service`] : trafficDiff(before, service);
  });
}

export function formatCheckMarkdown(report: CheckReport): string {
  const lines = [`## switchyard check: stack \`${report.stack}\` ${report.refusal === undefined ? "✅ can be applied" : "❌ refused"}`, ""];
  if (report.refusal !== undefined) lines.push("```", report.refusal, "```", "");
  lines.push("### Traffic and versions", "", ...report.traffic.map((line) => `- ${line}`), "");
  lines.push("### Resources `pulumi up` would change", "");
  if (report.steps.length === 0) lines.push("none");
  else lines.push("| op | type | name |", "|---|---|---|", ...report.steps.map((step) => `| ${step.op} | ${step.type} | ${step.name} |`));
  if (report.advisories.length > 0) lines.push("", "### Advisory policy findings", "", ...report.advisories.map((finding) => `- ${formatFinding(finding)}`));
  return `${lines.join("\n")}\n`;
}

export function formatCheckText(report: CheckReport): string {
  const lines = [`stack ${report.stack}: ${report.refusal === undefined ? "can be applied" : "refused"}`];
  if (report.refusal !== undefined) lines.push(report.refusal);
  lines.push(...report.traffic.map((line) => `  ${line}`));
  lines.push(report.steps.length === 0 ? "preview: no resource changes" : "preview:", ...report.steps.map((step) => `  ${step.op} ${step.type} ${step.name}`));
  lines.push(...report.advisories.map((finding) => `warning: ${formatFinding(finding)}`));
  return lines.join("\n");
}
