import { renderQuery, type AnalysisSettings, type QueryTarget } from "../../model/config/analysis";
import type { ServiceConfig } from "../../model/config/settings";
import { serviceKey, slotKey } from "../../model/config/keys";
import { ConfigError } from "../../model/config/problems";
import { COLORS, type Color } from "../../model/config/schema";
import { otherColor } from "../../model/traffic";
import { AnalysisRecorder } from "../rollout/analysisRecord";
import { queryScalar } from "../rollout/prometheus";
import type { CanaryFigures } from "../rollout/verdict";
import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import type { Reporter } from "../context/output";
import { applyEditNow, checkEdit } from "../edits/apply";
import { canaryEdit, findService, promoteEdit, stopCanaryEdit, type ReleaseEdit } from "../edits/releaseEdits";
import { parseInterval, parseSteps, runRollout, ServiceChangedError, type RolloutActions, type RolloutOutcome } from "../rollout/run";
import { readLocalConfig } from "../pulumi/localConfig";
import type { CurrentConfig, StackSession } from "../pulumi/session";
import { FastPath } from "./fastPath";
import { readHistoryForGuard, recheckAfterWaiting, refuseIfBackendAhead } from "./staleGuard";

export interface RolloutOptions {
  readonly steps: string;
  readonly interval: string;
  readonly dryRun: boolean;
}

/** `switchyard rollout <service>`: plan, confirm, then walk the steps with analysis after each. */
export async function runRolloutCommand(context: CommandContext, name: string, options: RolloutOptions): Promise<number> {
  const { options: global, reporter } = context;
  const steps = parseSteps(options.steps);
  const intervalMs = parseInterval(options.interval);
  const session = await context.openStack();
  const history = readHistoryForGuard(session);
  const current = await session.readConfig();
  const service = findService(current.config, name);
  const analysis = requireAnalysis(current.config.analysis);
  // Both edits the rollout can end with must pass the program's rules before the first step.
  checkEdit(current, canaryEdit(service, steps[0]!));
  const canaryColor = otherColor(service.live);
  const version = service.slots[canaryColor]!.version;

  reporter.line(
    `rollout ${name} on stack ${global.stack}: ${canaryColor} ${version} through ${steps.join("% -> ")}%, ${options.interval} per step, then promote\n` +
      `  judged by ${analysis.prometheus}: error rate at most ${analysis.maxErrorRate * 100}% over ${analysis.window}, at least ${analysis.minRequests} requests` +
      (analysis.maxLatencySeconds === undefined ? "" : `, latency at most ${analysis.maxLatencySeconds}s`),
  );
  if (options.dryRun) {
    reporter.result({ service: name, stack: global.stack, steps, intervalMs, applied: false });
    reporter.line("dry run: nothing was changed");
    return EXIT.ok;
  }
  await refuseIfBackendAhead(context, session, current, history);
  if (!(await reporter.confirm(global.yes, "start the rollout?"))) {
    reporter.line("not confirmed: nothing was changed");
    return EXIT.ok;
  }

  const target: QueryTarget = { namespace: current.config.namespace, service: name, color: canaryColor, version, window: analysis.window };
  const { maxErrorRate, maxLatencySeconds, minRequests, window } = analysis;
  const thresholds = { maxErrorRate, minRequests, window, ...(maxLatencySeconds === undefined ? {} : { maxLatencySeconds }) };
  const record = { stack: global.stack, service: name, canaryColor, version, steps, intervalMs, thresholds };
  const recorder = new AnalysisRecorder(session.projectDir, record, reporter.line);
  const outcome = await runRollout(
    { steps, intervalMs, startCanary: service.canary, thresholds: analysis },
    { ...rolloutActions(context, session, { name, analysis, target, expected: releaseState(service) }), judged: (step) => recorder.judged(step) },
    context.interrupts.signal,
  ).catch((error: unknown) => {
    recorder.failed(error);
    throw error;
  });
  recorder.finished(outcome);
  return report(reporter, name, outcome);
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

interface RolloutTarget {
  readonly name: string;
  readonly analysis: AnalysisSettings;
  readonly target: QueryTarget;
  /** The service as the rollout found it, then as each of its own updates left it. */
  expected: ReleaseState;
}

function rolloutActions(context: CommandContext, session: StackSession, rollout: RolloutTarget): RolloutActions {
  const { reporter, interrupts } = context;
  const { name, analysis, target } = rollout;
  const run = { onOutput: reporter.progress, signal: interrupts.cancelPulumi };
  /** `urgent`: a move that takes traffic off a failing canary goes to the API server first when it can (the fast path). */
  const update = async (build: (service: ServiceConfig) => ReleaseEdit, urgent = false) => {
    // An urgent move reads the stack file itself: no pulumi process stands between the failing verdict and the API server.
    const read = urgent && context.options.fastPath ? readLocalConfig(context.options.cwd, context.options.stack) : undefined;
    const local = read === undefined || "unavailable" in read ? undefined : read;
    const current = local ?? (await session.readConfig());
    const service = findService(current.config, name);
    const changes = changesSince(name, rollout.expected, releaseState(service));
    if (changes.length > 0) throw new ServiceChangedError(`someone else changed ${name} during the rollout: ${changes.join("; ")}${await lastUpdateNote(session)}`);
    const checked = checkEdit(current, build(service));
    for (const line of checked.diff) reporter.line(`  ${line}`);
    const fast = urgent && context.options.fastPath ? new FastPath(context, checked, current) : undefined;
    if (!(await fast?.move())) await applyEditNow(session, checked, run);
    else if (local !== undefined) await fast!.recordAfterReading(local.reading, run, session);
    else await fast!.record(session, run, recheckAfterWaiting(context, session, current as CurrentConfig));
    rollout.expected = releaseState(findService(checked.next, name));
  };
  const query = (template: string) => queryScalar(analysis.prometheus, renderQuery(template, target), analysis.timeoutSeconds);
  return {
    setCanary: (percent) => update((service) => canaryEdit(service, percent)),
    revert: () => update((service) => stopCanaryEdit(service, "automatic rollback of"), true),
    promote: () => update(promoteEdit),
    measure: async (): Promise<CanaryFigures> => ({
      requests: await query(analysis.requestsQuery),
      errorRate: await query(analysis.errorRateQuery),
      ...(analysis.latencyQuery === undefined ? {} : { latencySeconds: await query(analysis.latencyQuery) }),
    }),
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

function report(reporter: Reporter, service: string, outcome: RolloutOutcome): number {
  reporter.result({ service, ...outcome });
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
          `  resume with: switchyard rollout ${service} ...; or undo with: switchyard rollback ${service}`,
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

/** Who moved the service, as far as the stack history tells: its last update, if it is not this rollout's. */
async function lastUpdateNote(session: StackSession): Promise<string> {
  const [last] = await session.recentUpdates(1);
  if (last === undefined) return "";
  return ` (the stack's last update: "${last.message}", ${last.result}, started ${last.startTime}; a change not in it is in Pulumi.${session.stackName}.yaml, not yet applied)`;
}
