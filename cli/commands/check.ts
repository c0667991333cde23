import { configContext, switchyardKeys } from "../../model/config/context";
import { parseStackConfig } from "../../model/config/parse";
import { ConfigError } from "../../model/config/problems";
import type { StackConfig } from "../../model/config/settings";
import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import { backendAhead, describeStaleKeys, leafValues, tookEffect, type RecordedUpdate } from "../edits/staleness";
import { formatCheckMarkdown, formatCheckText, trafficChanges, type CheckReport } from "../reports/check";
import { PolicyViolationError, type PolicyFinding } from "../pulumi/errors";
import type { CurrentConfig, PlannedStep, StackSession } from "../pulumi/session";
import { readSyncPoint } from "../pulumi/syncPoint";
import { readHistoryForGuard } from "./staleGuard";

export interface CheckOptions {
  readonly markdown: boolean;
}

/**
 * `switchyard check`: the review of a change to a stack file, for CI. It
 * changes nothing: validates the file with the program's rules, compares it
 * with what the backend last ran (traffic, versions, and whether the file is
 * behind), and previews it with the policy pack. Exit 0 when it can be
 * applied, 2 when it is refused, 1 when the check itself could not run.
 */
export async function runCheck(context: CommandContext, options: CheckOptions): Promise<number> {
  const { options: global, reporter } = context;
  const session = await context.openStack();
  const report = await checkStack(session, global.stack, context.interrupts.cancelPulumi);
  reporter.line(options.markdown ? formatCheckMarkdown(report) : formatCheckText(report));
  reporter.result({ ...report });
  return report.refusal === undefined ? EXIT.ok : EXIT.invalid;
}

async function checkStack(session: StackSession, stack: string, signal: AbortSignal): Promise<CheckReport> {
  const history = readHistoryForGuard(session);
  let current: CurrentConfig;
  try {
    current = await session.readConfig();
  } catch (error) {
    if (error instanceof ConfigError) return { stack, traffic: [], steps: [], advisories: [], refusal: error.message };
    throw error;
  }
  const updates = await history;
  const traffic = trafficChanges(deployedConfig(updates.find(tookEffect)), current.config);
  const stale = backendAhead(updates, leafValues(current.values), readSyncPoint(session.projectDir, stack));
  const advisories: PolicyFinding[] = [];
  let steps: readonly PlannedStep[] = [];
  let policyRefusal: string | undefined;
  try {
    steps = await session.preview(undefined, { signal, onAdvisory: (finding) => advisories.push(finding) });
  } catch (error) {
    if (!(error instanceof PolicyViolationError)) throw error;
    policyRefusal = error.message;
  }
  const staleRefusal =
    stale.length === 0
      ? undefined
      : `the backend is ahead of this Pulumi.${stack}.yaml (rebase onto the latest stack file):\n${describeStaleKeys(stale)}`;
  const refusals = [staleRefusal, policyRefusal].filter((text): text is string => text !== undefined);
  return { stack, traffic, steps, advisories, ...(refusals.length === 0 ? {} : { refusal: refusals.join("\n") }) };
}

/** The config the backend's last update ran with, parsed by the program's rules; undefined for a new stack or one they no longer accept. */
function deployedConfig(update: RecordedUpdate | undefined): StackConfig | undefined {
  if (update === undefined) return undefined;
  const values = Object.fromEntries(Object.entries(update.config).map(([key, item]) => [key, item.value]));
  try {
    return parseStackConfig(switchyardKeys(values), configContext(update.config, (key) => update.config[key]?.secret === true));
  } catch {
    return undefined;
  }
}
