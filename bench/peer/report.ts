import { NOTES_MARKER } from "../report";
import { ratio as medianRatio, summarize, type Summary } from "../stats";
import type { Phases } from "./profile";
import type { RunFigures } from "./scenarios";

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
  readonly rollback: Summary;
  readonly rollbackCommand: Summary;
  readonly settled: Summary;
  readonly abort: Summary;
  readonly step: Summary;
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

/** Summarizes the runs of one tool at one size. */
export function toolFigures(runs: readonly RunFigures[]): ToolFigures {
  const flags: Record<string, number> = {};
  for (const run of runs) for (const [value, pods] of Object.entries(run.flags)) flags[value] = (flags[value] ?? 0) + pods;
  return {
    rollback: summarize(runs.map((run) => run.rollback.seconds)),
    rollbackCommand: summarize(runs.map((run) => run.rollback.commandSeconds)),
    settled: summarize(runs.map((run) => run.settledSeconds)),
    abort: summarize(runs.map((run) => run.abort.seconds)),
    step: summarize(runs.map((run) => run.step.seconds)),
    flags,
    writesByTool: summarize(runs.map((run) => run.rollbackWrites.byTool)),
    writesTotal: summarize(runs.map((run) => run.rollbackWrites.total)),
    weightOnNothing: Math.max(...runs.flatMap((run) => [run.step, run.abort, run.rollback].map((t) => t.weightOnNothing))),
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

/** The side-by-side rows, scenario by scenario, each for every size. */
export function peerRows(sizes: readonly SizeFigures[], flag: string, oldValue: string): TableRow[] {
  const timedRow = (scenario: string, pick: (figures: ToolFigures) => Summary) =>
    sizes.map((size) => ({
      scenario,
      services: size.services,
      switchyard: formatSeconds(pick(size.switchyard)),
      argo: formatSeconds(pick(size.argo)),
      ratio: ratio(pick(size.switchyard), pick(size.argo)),
    }));
  return [
    ...timedRow("1. rollback after full promotion (to 100% on the old version, all its pods ready)", (f) => f.rollback),
    ...timedRow("1a. rollback: the command exited after", (f) => f.rollbackCommand),
    ...timedRow("1b. rollback: nothing left to scale down after", (f) => f.settled),
    ...timedRow("2. abort during a 25% canary (to 100% on stable)", (f) => f.abort),
    ...timedRow("3. one canary step, 5% to 25%", (f) => f.step),
    ...sizes.map((size) => ({
      scenario: `4. ${flag} the serving pods see after the rollback, pods of all runs (the old version's value: ${oldValue})`,
      services: size.services,
      switchyard: formatFlags(size.switchyard.flags),
      argo: formatFlags(size.argo.flags),
      ratio: "–",
    })),
    ...sizes.map((size) => ({
      scenario: "5. API writes per rollback, by the tool / in all (controllers and kubelet included)",
      services: size.services,
      switchyard: writes(size.switchyard),
      argo: writes(size.argo),
      ratio: ratio(size.switchyard.writesTotal, size.argo.writesTotal),
    })),
    ...sizes.map((size) => ({
      scenario: "weight ever sent to a subset with no ready pod (any scenario)",
      services: size.services,
      switchyard: `${size.switchyard.weightOnNothing}%`,
      argo: `${size.argo.weightOnNothing}%`,
      ratio: "–",
    })),
  ];
}

const PHASES: readonly [keyof Phases, string][] = [
  ["beforeUp", "before `pulumi up` starts (the command's own start-up, config reads and edits, its preview if any)"],
  ["engineStart", "`pulumi up` start until the program runs (engine, state, plugins, language host)"],
  ["untilFirstWrite", "program start until the first write (program registers, provider diffs)"],
  ["writing", "first to last write"],
  ["afterWrites", "last write until `pulumi up` exits (outputs, state, shutdown)"],
];

/** Median seconds of each phase of switchyard's rollback, one column per size. */
export function profileTable(profiles: readonly { readonly services: number; readonly phases: readonly Phases[] }[]): string {
  const measured = profiles.filter((profile) => profile.phases.length > 0);
  const header = `| phase of switchyard's rollback | ${measured.map((p) => `${p.services} service${p.services === 1 ? "" : "s"}`).join(" | ")} |`;
  const rule = `|---|${measured.map(() => "---:").join("|")}|`;
  const rows = PHASES.map(
    ([key, label]) => `| ${label} | ${measured.map((p) => `${summarize(p.phases.map((phase) => phase[key])).median.toFixed(2)} s`).join(" | ")} |`,
  );
  return [header, rule, ...rows].join("\n");
}
