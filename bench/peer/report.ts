import { NOTES_MARKER } from "../report";
import { ratio as medianRatio, summarize, type Summary } from "../stats";
import type { Phases } from "./profile";
import type { RunFigures } from "./scenarios";
import { summarizeNotes } from "./fastPathOutput";
import type { StartupFigures } from "./startup";

/**
 * Figures into text: the side-by-side table and this benchmark's own section
 * of bench/RESULTS.md, between two markers and below the file's
 * hand-written-notes marker, so `npm run bench`, which rewrites everything
 * above that marker, keeps it.
 */

/** `7.91 s (7.52–8.40)`: the median, then the lowest and highest run. */
export function formatSeconds(s: Summary): string {
  return `${s.median.toFixed(2)} s (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}

export function formatCount(s: Summary): string {
  return s.min === s.max ? `${s.median}` : `${s.median} (${s.min}–${s.max})`;
}

/** switchyard's median over Argo's: above 1, switchyard is slower by that factor. */
export function ratio(switchyard: Summary, argo: Summary): string {
  const value = argo.median === 0 ? undefined : medianRatio(switchyard, argo);
  return value === undefined ? "–" : `${value.toFixed(2)}×`;
}

export interface TableRow {
  readonly scenario: string;
  readonly services: number;
  readonly switchyard: string;
  readonly argo: string;
  readonly ratio: string;
}

export function markdownTable(rows: readonly TableRow[]): string {
  const lines = ["| scenario | services | switchyard | Argo Rollouts | switchyard / Argo |", "|---|---:|---|---|---:|"];
  for (const row of rows) lines.push(`| ${row.scenario} | ${row.services} | ${row.switchyard} | ${row.argo} | ${row.ratio} |`);
  return lines.join("\n");
}

/** The same rows as plain columns for a terminal. */
export function textTable(rows: readonly TableRow[]): string {
  const header: TableRow = { scenario: "scenario", services: 0, switchyard: "switchyard", argo: "Argo Rollouts", ratio: "ratio" };
  const cells = [header, ...rows].map((row, index) => [row.scenario, index === 0 ? "services" : String(row.services), row.switchyard, row.argo, row.ratio]);
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((line) => line[column]!.length)));
  return cells.map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n");
}

export const SECTION_BEGIN = "<!-- bench:peer begin (written by npm run bench:peer) -->";
export const SECTION_END = "<!-- bench:peer end -->";

/**
 * The document with this benchmark's section replaced, or appended when it
 * has none yet (after the notes marker, which is added if missing).
 */
export function replaceSection(document: string, section: string): string {
  const block = `${SECTION_BEGIN}\n${section.trim()}\n${SECTION_END}`;
  const begin = document.indexOf(SECTION_BEGIN);
  const end = document.indexOf(SECTION_END);
  if (begin >= 0 && end > begin) return `${document.slice(0, begin)}${block}${document.slice(end + SECTION_END.length)}`;
  const base = document.includes(NOTES_MARKER) ? document.trimEnd() : `${document.trimEnd()}\n\n${NOTES_MARKER}`.trimStart();
  return `${base}\n\n${block}\n`;
}

/** One tool's figures at one size, summarized over its runs. */
export interface ToolFigures {
  /** Time-to-safe of each move: command start until the watch saw the final weights. */
  readonly rollback: Summary;
  /** Command start until it exited: for switchyard, the move recorded by `pulumi up`; Argo records nothing. */
  readonly rollbackCommand: Summary;
  readonly settled: Summary;
  readonly abort: Summary;
  readonly abortCommand: Summary;
  readonly step: Summary;
  readonly stepCommand: Summary;
  /** The automatic rollback, from the failing verdict to 0% on the API server. */
  readonly autoSafe: Summary;
  /** From the failing verdict until the command exited, the rollback recorded; none for Argo. */
  readonly autoRecorded?: Summary;
  /** switchyard, more than one service: the abort of a release group's 25% canary (`rollback --group`), time-to-safe and command exit. */
  readonly groupAbort?: Summary;
  readonly groupAbortCommand?: Summary;
  /** What `rollback --group` said about its fast path, over every run. */
  readonly groupFastPath?: string;
  /** switchyard's rollback with --no-fast-path, in the same runs: time-to-safe and command exit. */
  readonly plainRollback?: Summary;
  readonly plainRollbackCommand?: Summary;
  /** switchyard: VirtualServices the record changed again after the move, summed over the runs, with the services moved. */
  readonly recordChanged?: { readonly changed: number; readonly of: number };
  /** What switchyard's commands said about the fast path, over every run. */
  readonly fastPath?: string;
  /** FLAG value -> serving pods that saw it, over every run. */
  readonly flags: Readonly<Record<string, number>>;
  readonly writesByTool: Summary;
  readonly writesTotal: Summary;
  /** Highest weight sent to a subset with no ready pod, over every timed command. */
  readonly weightOnNothing: number;
}

export interface SizeFigures {
  readonly services: number;
  readonly switchyard: ToolFigures;
  readonly argo: ToolFigures;
}

/** The summary of a figure every run has, or none when no run has it. */
function optional(values: readonly (number | undefined)[]): Summary | undefined {
  const present = values.filter((value): value is number => value !== undefined);
  if (present.length === 0) return undefined;
  if (present.length < values.length) throw new Error(`a figure is missing from ${values.length - present.length} of ${values.length} runs`);
  return summarize(present);
}

/** Summarizes the runs of one tool at one size. */
export function toolFigures(runs: readonly RunFigures[]): ToolFigures {
  const flags: Record<string, number> = {};
  for (const run of runs) for (const [value, pods] of Object.entries(run.flags)) flags[value] = (flags[value] ?? 0) + pods;
  const plainRollback = optional(runs.map((run) => run.recordedPathRollback?.seconds));
  const plainRollbackCommand = optional(runs.map((run) => run.recordedPathRollback?.commandSeconds));
  const autoRecorded = optional(runs.map((run) => run.autoRollback.recordedSeconds));
  const groupAbort = optional(runs.map((run) => run.groupAbort?.seconds));
  const groupAbortCommand = optional(runs.map((run) => run.groupAbort?.commandSeconds));
  const groupNotes = runs.flatMap((run) => (run.groupFastPath === undefined ? [] : [run.groupFastPath]));
  const notes = runs.flatMap((run) => run.fastPath ?? []);
  const recorded = runs.flatMap((run) => (run.recordChanged === undefined ? [] : [run.recordChanged]));
  return {
    rollback: summarize(runs.map((run) => run.rollback.seconds)),
    rollbackCommand: summarize(runs.map((run) => run.rollback.commandSeconds)),
    settled: summarize(runs.map((run) => run.settledSeconds)),
    abort: summarize(runs.map((run) => run.abort.seconds)),
    abortCommand: summarize(runs.map((run) => run.abort.commandSeconds)),
    step: summarize(runs.map((run) => run.step.seconds)),
    stepCommand: summarize(runs.map((run) => run.step.commandSeconds)),
    autoSafe: summarize(runs.map((run) => run.autoRollback.safeSeconds)),
    ...(autoRecorded === undefined ? {} : { autoRecorded }),
    ...(groupAbort === undefined ? {} : { groupAbort }),
    ...(groupAbortCommand === undefined ? {} : { groupAbortCommand }),
    ...(groupNotes.length === 0 ? {} : { groupFastPath: summarizeNotes(groupNotes) }),
    ...(plainRollback === undefined ? {} : { plainRollback }),
    ...(plainRollbackCommand === undefined ? {} : { plainRollbackCommand }),
    ...(notes.length === 0 ? {} : { fastPath: summarizeNotes(notes) }),
    ...(recorded.length === 0
      ? {}
      : { recordChanged: { changed: recorded.reduce((sum, r) => sum + r.changed, 0), of: recorded.reduce((sum, r) => sum + r.of, 0) } }),
    flags,
    writesByTool: summarize(runs.map((run) => run.rollbackWrites.byTool)),
    writesTotal: summarize(runs.map((run) => run.rollbackWrites.total)),
    weightOnNothing: Math.max(...runs.flatMap((run) => [run.step, run.abort, run.rollback, ...(run.groupAbort === undefined ? [] : [run.groupAbort])].map((t) => t.weightOnNothing))),
  };
}

/** `false on 10 of 10 pods`, or both values with their pod counts when the runs saw more than one. */
export function formatFlags(flags: Readonly<Record<string, number>>): string {
  const total = Object.values(flags).reduce((sum, pods) => sum + pods, 0);
  const entries = Object.entries(flags).sort(([, a], [, b]) => b - a);
  if (entries.length === 0) return "no serving pods";
  return entries.map(([value, pods]) => `${value} on ${pods} of ${total} pods`).join(", ");
}

const writes = (figures: ToolFigures) => `${formatCount(figures.writesByTool)} / ${formatCount(figures.writesTotal)}`;
const maybeSeconds = (summary: Summary | undefined) => (summary === undefined ? "–" : formatSeconds(summary));
const maybeRatio = (a: Summary | undefined, b: Summary | undefined) => (a === undefined || b === undefined ? "–" : ratio(a, b));

/** The side-by-side rows, scenario by scenario, each for every size. */
export function peerRows(sizes: readonly SizeFigures[], flag: string, oldValue: string): TableRow[] {
  const timedRow = (scenario: string, pick: (figures: ToolFigures) => Summary | undefined) =>
    sizes.map((size) => ({
      scenario,
      services: size.services,
      switchyard: maybeSeconds(pick(size.switchyard)),
      argo: maybeSeconds(pick(size.argo)),
      ratio: maybeRatio(pick(size.switchyard), pick(size.argo)),
    }));
  const perSize = (scenario: string, cell: (figures: ToolFigures) => string, rowRatio: (size: SizeFigures) => string = () => "–") =>
    sizes.map((size) => ({ scenario, services: size.services, switchyard: cell(size.switchyard), argo: cell(size.argo), ratio: rowRatio(size) }));
  return [
    ...timedRow("1. rollback after full promotion: time-to-safe (100% on the old version, all its pods ready)", (f) => f.rollback),
    ...timedRow("1a. rollback: time-to-recorded (switchyard: the command exited, `pulumi up` done; Argo: the command exited, nothing recorded)", (f) => f.rollbackCommand),
    ...timedRow("1b. rollback: nothing left to scale down after", (f) => f.settled),
    ...timedRow("1c. rollback with --no-fast-path (config edit, then `pulumi up`): time-to-safe", (f) => f.plainRollback),
    ...timedRow("1d. rollback with --no-fast-path: the command exited after", (f) => f.plainRollbackCommand),
    ...timedRow("2. abort during a 25% canary: time-to-safe (100% on stable)", (f) => f.abort),
    ...timedRow("2a. abort: time-to-recorded (Argo: the command exited)", (f) => f.abortCommand),
    ...groupRows(sizes),
    ...timedRow("3. one canary step, 5% to 25%: time-to-safe", (f) => f.step),
    ...timedRow("3a. one canary step: time-to-recorded (Argo: the command exited)", (f) => f.stepCommand),
    ...perSize(`4. ${flag} the serving pods see after the rollback, pods of all runs (the old version's value: ${oldValue})`, (f) => formatFlags(f.flags)),
    ...perSize("5. API writes per rollback, by the tool / in all (controllers and kubelet included)", writes, (size) => ratio(size.switchyard.writesTotal, size.argo.writesTotal)),
    ...timedRow("6. automatic rollback of a failing 25% canary (first service): failing verdict to 0% on the API server", (f) => f.autoSafe),
    ...timedRow("6a. automatic rollback: failing verdict to recorded (switchyard: `rollout` exited; Argo records nothing)", (f) => f.autoRecorded),
    ...perSize("switchyard's fast path, as its commands said (steps 1, 2, 3, 6)", (f) => f.fastPath ?? "–"),
    ...perSize("switchyard's rollback: VirtualServices its record (`pulumi up`) changed again after the move, over all runs", (f) =>
      f.recordChanged === undefined ? "–" : `${f.recordChanged.changed} of ${f.recordChanged.of}`,
    ),
    ...perSize("weight ever sent to a subset with no ready pod (any scenario)", (f) => `${f.weightOnNothing}%`),
  ];
}

/**
 * The release group's abort, for the sizes where switchyard measured one
 * (more than one service): `rollback --group` of all N services against
 * Argo's N `abort`s of scenario 2, time-to-safe and command exit, and what
 * the command said about its fast path.
 */
function groupRows(sizes: readonly SizeFigures[]): TableRow[] {
  return sizes.flatMap((size) => {
    const { switchyard, argo, services } = size;
    if (switchyard.groupAbort === undefined) return [];
    return [
      {
        scenario: `2b. abort a 25% canary of a release group (\`rollback --group\`, all ${services} services with lanes): time-to-safe; Argo: its ${services} \`abort\`s of row 2`,
        services,
        switchyard: formatSeconds(switchyard.groupAbort),
        argo: formatSeconds(argo.abort),
        ratio: ratio(switchyard.groupAbort, argo.abort),
      },
      {
        scenario: "2c. group abort: time-to-recorded (switchyard: `rollback --group` exited, `pulumi up` done; Argo: its `abort`s exited)",
        services,
        switchyard: maybeSeconds(switchyard.groupAbortCommand),
        argo: formatSeconds(argo.abortCommand),
        ratio: maybeRatio(switchyard.groupAbortCommand, argo.abortCommand),
      },
      { scenario: "2d. switchyard's fast path in the group abort, as `rollback --group` said", services, switchyard: switchyard.groupFastPath ?? "–", argo: "–", ratio: "–" },
    ];
  });
}

/** One target of issue 16 checked against a size's medians. */
export interface TargetRow {
  readonly target: string;
  readonly services: number;
  readonly measured: string;
  readonly met: boolean | undefined;
}

/**
 * The issue's targets: every switchyard move's time-to-safe at or below
 * Argo's abort in the same run, and the fast path's record no slower than
 * the plain path's (`--no-fast-path`, today's `--yes` path) in the same run.
 */
export function targetRows(sizes: readonly SizeFigures[]): TargetRow[] {
  return sizes.flatMap((size) => {
    const argoAbort = size.argo.abort;
    const againstAbort = (move: string, figure: Summary): TargetRow => {
      const value = medianRatio(figure, argoAbort)!;
      return {
        target: `${move}: time-to-safe at or below Argo's abort (${formatSeconds(argoAbort)})`,
        services: size.services,
        measured: `${formatSeconds(figure)}: ${value.toFixed(2)}×`,
        met: value <= 1,
      };
    };
    const plain = size.switchyard.plainRollbackCommand;
    const recordValue = plain === undefined ? undefined : medianRatio(size.switchyard.rollbackCommand, plain)!;
    return [
      againstAbort("switchyard rollback", size.switchyard.rollback),
      againstAbort("switchyard abort", size.switchyard.abort),
      againstAbort("switchyard canary step", size.switchyard.step),
      {
        target: "switchyard's automatic rollback: verdict to safe at or below Argo's own (analysis-driven abort)",
        services: size.services,
        measured: `${formatSeconds(size.switchyard.autoSafe)} against ${formatSeconds(size.argo.autoSafe)}: ${ratio(size.switchyard.autoSafe, size.argo.autoSafe)}`,
        met: medianRatio(size.switchyard.autoSafe, size.argo.autoSafe)! <= 1,
      },
      {
        target: "rollback recorded no slower than with --no-fast-path (today's --yes path)",
        services: size.services,
        measured: plain === undefined || recordValue === undefined ? "not measured" : `${formatSeconds(size.switchyard.rollbackCommand)} against ${formatSeconds(plain)}: ${recordValue.toFixed(2)}×`,
        met: recordValue === undefined ? undefined : recordValue <= 1,
      },
    ];
  });
}

export function targetTable(rows: readonly TargetRow[]): string {
  const met = (value: boolean | undefined) => (value === undefined ? "–" : value ? "yes" : "**no**");
  return ["| target | services | measured (medians) | met |", "|---|---:|---|---|", ...rows.map((row) => `| ${row.target} | ${row.services} | ${row.measured} | ${met(row.met)} |`)].join("\n");
}

export function startupTable(startup: StartupFigures): string {
  return [
    "| start-up (wall time) | switchyard `--help` | `kubectl argo rollouts version` | switchyard / Argo |",
    "|---|---|---|---:|",
    `| median of ${startup.switchyard.runs} runs each, taking turns | ${formatSeconds(startup.switchyard)} | ${formatSeconds(startup.argo)} | ${ratio(startup.switchyard, startup.argo)} |`,
  ].join("\n");
}

const PHASES: readonly [keyof Phases, string][] = [
  ["untilWrite", "command start until its first VirtualService write (start-up, stack file, readiness and policy checks)"],
  ["writing", "first to last write (one per service)"],
  ["seen", "last write until the watch saw the final weights"],
  ["untilRecord", "last write until `pulumi up` starts (stack file, Automation API)"],
  ["record", "`pulumi up`, the record (engine, program, diff, state)"],
  ["afterRecord", "`pulumi up` exit until the command exits"],
];

/** Median seconds of each phase of switchyard's rollback, one column per size. */
export function profileTable(profiles: readonly { readonly services: number; readonly phases: readonly Phases[] }[]): string {
  const measured = profiles.filter((profile) => profile.phases.length > 0);
  if (measured.length === 0) return "(no phases to show: no profiled run was asked for (--profile-runs 0), or none took the fast path)";
  const header = `| phase of switchyard's rollback (fast path) | ${measured.map((p) => `${p.services} service${p.services === 1 ? "" : "s"}`).join(" | ")} |`;
  const rule = `|---|${measured.map(() => "---:").join("|")}|`;
  const rows = PHASES.map(
    ([key, label]) => `| ${label} | ${measured.map((p) => `${summarize(p.phases.map((phase) => phase[key])).median.toFixed(2)} s`).join(" | ")} |`,
  );
  return [header, rule, ...rows].join("\n");
}
