import { renderQuery, type AnalysisSettings, type QueryTarget } from "../../model/config/analysis";
import type { ServiceConfig } from "../../model/config/settings";
import { serviceKey, slotKey } from "../../model/config/keys";
import { ConfigError } from "../../model/config/problems";
import { COLORS, type Color } from "../../model/config/schema";
import { otherColor } from "../../model/traffic";
import { AnalysisRecorder } from "../rollout/analysisRecord";
import { queryScalar } from "../rollout/prometheus";

import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import type { Reporter } from "../context/output";
import { applyEditNow } from "../edits/apply";
import { findGroup, selectEdits, type ServiceSelection } from "../edits/selection";
import { canaryEdit, findService, promoteEdit, stopCanaryEdit, type ReleaseEdit } from "../edits/releaseEdits";
import { parseInterval, parseSteps, runRollout, ServiceChangedError, type MemberFigures, type RolloutActions, type RolloutOutcome, type StepRecord } from "../rollout/run";
import { readLocalConfig } from "../pulumi/localConfig";
import type { CurrentConfig, StackSession } from "../pulumi/session";
import { FastPath } from "./fastPath";
import { readHistoryForGuard, recheckAfterWaiting, refuseIfBackendAhead } from "./staleGuard";

export interface RolloutOptions {
  readonly steps: string;
  readonly interval: string;
  readonly dryRun: boolean;
}

/** What a rollout moves: one service, or every member of a release group as one. */
export type RolloutSubject = { readonly service: string } | { readonly group: string };

/** `switchyard rollout <service>` or `rollout --group <group>`: plan, confirm, then walk the steps with analysis after each. */
export async function runRolloutCommand(context: CommandContext, subject: RolloutSubject, options: RolloutOptions): Promise<number> {
  const { options: global, reporter } = context;
  const steps = parseSteps(options.steps);
  const intervalMs = parseInterval(options.interval);
  const session = await context.openStack();
  const history = readHistoryForGuard(session);
  const current = await session.readConfig();
  const selection: ServiceSelection = "group" in subject ? { group: subject.group } : { names: [subject.service] };
  const members = ("group" in subject ? findGroup(current.config, subject.group).services : [subject.service]).map((name) => findService(current.config, name));
  const label = "group" in subject ? `group ${subject.group}` : subject.service;
  const analysis = requireAnalysis(current.config.analysis);
  // Both edits the rollout can end with must pass the program's rules before the first step.
  selectEdits(current, selection, `canary ${steps[0]}%`, (service) => canaryEdit(service, steps[0]!));
  const lead = members[0]!;
  const canaryColor = otherColor(lead.live);
  const versions = members.map((member) => `${members.length > 1 ? `${member.name} ` : ""}${member.slots[canaryColor]!.version}`).join(", ");

  reporter.line(
    `rollout ${label} on stack ${global.stack}: ${canaryColor} ${versions} through ${steps.join("% -> ")}%, ${options.interval} per step, then promote\n` +
      `  judged by ${analysis.prometheus}${members.length > 1 ? ", each member with its own queries (any failure rolls back the group)" : ""}: error rate at most ${analysis.maxErrorRate * 100}% over ${analysis.window}, at least ${analysis.minRequests} requests` +
      (analysis.maxLatencySeconds === undefined ? "" : `, latency at most ${analysis.maxLatencySeconds}s`),
  );
  const subjectOutput = "group" in subject ? { group: subject.group, services: members.map((member) => member.name) } : { service: subject.service };
  if (options.dryRun) {
    reporter.result({ ...subjectOutput, stack: global.stack, steps, intervalMs, applied: false });
    reporter.line("dry run: nothing was changed");
    return EXIT.ok;
  }
  await refuseIfBackendAhead(context, session, current, history);
  if (!(await reporter.confirm(global.yes, "start the rollout?"))) {
    reporter.line("not confirmed: nothing was changed");
    return EXIT.ok;
  }

  const { maxErrorRate, maxLatencySeconds, minRequests, window } = analysis;
  const thresholds = { maxErrorRate, minRequests, window, ...(maxLatencySeconds === undefined ? {} : { maxLatencySeconds }) };
  const targets = members.map((member): MemberTarget => {
    const version = member.slots[canaryColor]!.version;
    const record = { stack: global.stack, service: member.name, canaryColor, version, steps, intervalMs, thresholds };
    return {
      name: member.name,
      query: { namespace: current.config.namespace, service: member.name, color: canaryColor, version, window: analysis.window },
      recorder: new AnalysisRecorder(session.projectDir, record, reporter.line),
      expected: releaseState(member),
    };
  });
  const recorders = targets.map((target) => target.recorder);
  const outcome = await runRollout(
    { steps, intervalMs, startCanary: lead.canary, thresholds: analysis },
    { ...rolloutActions(context, session, { selection, analysis, targets }), judged: (step) => judgedEach(targets, step) },
    context.interrupts.signal,
  ).catch((error: unknown) => {
    for (const recorder of recorders) recorder.failed(error);
    throw error;
  });
  for (const recorder of recorders) recorder.finished(outcome);
  return report(reporter, label, subjectOutput, outcome);
}

/** Each member's own figures go to its own record, for the dashboard. */
function judgedEach(targets: readonly MemberTarget[], step: StepRecord): void {
  for (const target of targets) {
    const member = step.members?.find((candidate) => candidate.service === target.name);
    target.recorder.judged(member === undefined ? step : { canary: step.canary, figures: member.figures, verdict: member.verdict });
  }
}

function requireAnalysis(analysis: AnalysisSettings | undefined): AnalysisSettings {
  if (analysis !== undefined) return analysis;
  throw new ConfigError([
    {
      key: "analysis",
      value: undefined,
      allowed: "Prometheus settings for judging a canary, at least analysis.prometheus (the server's URL); see docs/operations.md, Progressive rollouts",
    },
  ]);
}

/** What a rollout controls of its service; anything else changing it means someone else is releasing too. */
interface ReleaseState {
  readonly live: string;
  readonly canary: number;
  readonly versions: Readonly<Partial<Record<Color, string>>>;
}

function releaseState(service: ServiceConfig): ReleaseState {
  return { live: service.live, canary: service.canary, versions: Object.fromEntries(COLORS.map((color) => [color, service.slots[color]?.version])) };
}

/** `services.checkout.canary: this rollout left 5, now 0`, one per key that moved under the rollout. */
function changesSince(name: string, expected: ReleaseState, found: ReleaseState): string[] {
  const changes: string[] = [];
  if (found.live !== expected.live) changes.push(`${serviceKey(name, "live")}: this rollout left ${expected.live}, now ${found.live}`);
  if (found.canary !== expected.canary) changes.push(`${serviceKey(name, "canary")}: this rollout left ${expected.canary}, now ${found.canary}`);
  for (const color of COLORS) {
    const [before, after] = [expected.versions[color], found.versions[color]];
    if (before !== after) changes.push(`${slotKey(name, color, "version")}: this rollout left ${before ?? "none"}, now ${after ?? "none"}`);
  }
  return changes;
}

/** One service a rollout moves and judges. */
interface MemberTarget {
  readonly name: string;
  readonly query: QueryTarget;
  readonly recorder: AnalysisRecorder;
  /** The service as the rollout found it, then as each of its own updates left it. */
  expected: ReleaseState;
}

interface RolloutTarget {
  readonly selection: ServiceSelection;
  readonly analysis: AnalysisSettings;
  readonly targets: readonly MemberTarget[];
}

function rolloutActions(context: CommandContext, session: StackSession, rollout: RolloutTarget): RolloutActions {
  const { reporter, interrupts } = context;
  const { analysis, targets, selection } = rollout;
  const run = { onOutput: reporter.progress, signal: interrupts.cancelPulumi };
  /** `urgent`: a move that takes traffic off a failing canary goes to the API server first when it can (the fast path). */
  const update = async (verb: string, build: (service: ServiceConfig) => ReleaseEdit, urgent = false) => {
    // An urgent move reads the stack file itself: no pulumi process stands between the failing verdict and the API server.
    const read = urgent && context.options.fastPath ? readLocalConfig(context.options.cwd, context.options.stack) : undefined;
    const local = read === undefined || "unavailable" in read ? undefined : read;
    const current = local ?? (await session.readConfig());
    const changes = targets.flatMap((target) => changesSince(target.name, target.expected, releaseState(findService(current.config, target.name))));
    if (changes.length > 0) {
      const names = targets.map((target) => target.name).join(", ");
      throw new ServiceChangedError(`someone else changed ${names} during the rollout: ${changes.join("; ")}${await lastUpdateNote(session)}`);
    }
    // The same edits, in one config change and one update, for one service or every member of a group.
    const { checked } = selectEdits(current, selection, verb, build);
    for (const line of checked.diff) reporter.line(`  ${line}`);
    const fast = urgent && context.options.fastPath ? new FastPath(context, checked, current) : undefined;
    if (!(await fast?.move())) await applyEditNow(session, checked, run);
    else if (local !== undefined) await fast!.recordAfterReading(local.reading, run, session);
    else await fast!.record(session, run, recheckAfterWaiting(context, session, current as CurrentConfig));
    for (const target of targets) target.expected = releaseState(findService(checked.next, target.name));
  };
  const query = (target: MemberTarget, template: string) => queryScalar(analysis.prometheus, renderQuery(template, target.query), analysis.timeoutSeconds);
  const measureOne = async (target: MemberTarget): Promise<MemberFigures> => ({
    service: target.name,
    figures: {
      requests: await query(target, analysis.requestsQuery),
      errorRate: await query(target, analysis.errorRateQuery),
      ...(analysis.latencyQuery === undefined ? {} : { latencySeconds: await query(target, analysis.latencyQuery) }),
    },
  });
  return {
    setCanary: (percent) => update(`canary ${percent}%`, (service) => canaryEdit(service, percent)),
    revert: () => update("roll back", (service) => stopCanaryEdit(service, "automatic rollback of"), true),
    promote: () => update("promote", promoteEdit),
    measure: () => Promise.all(targets.map(measureOne)),
    wait: (ms, signal) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    log: (line) => reporter.line(line),
  };
}

function report(reporter: Reporter, service: string, subject: Record<string, unknown>, outcome: RolloutOutcome): number {
  reporter.result({ ...subject, ...outcome });
  switch (outcome.kind) {
    case "promoted":
      reporter.line(`${service}: rollout complete, promoted`);
      return EXIT.ok;
    case "rolled-back":
      reporter.line(`${service}: rolled back automatically at canary ${outcome.failedAt}%: ${outcome.reason}`);
      return EXIT.rolledBack;
    case "halted":
      reporter.line(
        `${service}: halted at canary ${outcome.canary}% without promoting: ${outcome.reason}\n` +
          `  resume with: switchyard rollout ${resumeTarget(service)} ...; or undo with: switchyard rollback ${resumeTarget(service)}`,
      );
      return EXIT.halted;
    case "superseded":
      reporter.line(`${service}: rollout stopped without writing: ${outcome.reason}`);
      return EXIT.halted;
    case "interrupted":
      reporter.line(
        outcome.reverted
          ? `${service}: interrupted; the step under way was cancelled and the canary set back to 0%`
          : `${service}: interrupted after finishing the step; canary stays at ${outcome.canary}%`,
      );
      return EXIT.interrupted;
  }
}

/** `checkout`, or `--group cart` for the label `group cart`. */
function resumeTarget(label: string): string {
  return label.startsWith("group ") ? `--group ${label.slice("group ".length)}` : label;
}

/** Who moved the service, as far as the stack history tells: its last update, if it is not this rollout's. */
async function lastUpdateNote(session: StackSession): Promise<string> {
  const [last] = await session.recentUpdates(1);
  if (last === undefined) return "";
  return ` (the stack's last update: "${last.message}", ${last.result}, started ${last.startTime}; a change not in it is in Pulumi.${session.stackName}.yaml, not yet applied)`;
}
