import { ratio, type Summary } from "./stats";

/** Wall time and CPU time (all pulumi processes) of one command, seconds. */
export interface Timing {
  readonly wall: Summary;
  readonly cpu: Summary;
}

/** Figures of one program at one stack size. */
export interface ProgramFigures {
  /** `pulumi preview` of the first deploy (empty stack). */
  readonly preview: Timing;
  /** `pulumi up --skip-preview` of the first deploy; absent for preview-only sizes. */
  readonly up?: Timing;
  /** Peak resident memory of the program process over preview and up, MiB. */
  readonly memoryMiB: Summary;
  /** Resources registered per service (components included). */
  readonly perService: number;
}

export interface SizeFigures {
  readonly services: number;
  readonly switchyard: ProgramFigures;
  readonly baseline: ProgramFigures;
}

export interface RollbackFigures {
  /** Services in the stack, all rolled back in one `up`. */
  readonly services: number;
  /** `pulumi up --skip-preview` of the rollback. */
  readonly up: Timing;
  /** Wall time of the program process within it: every registration, diffed by engine and provider, the writes included. */
  readonly program: Summary;
  /** Times the file backend rewrote the stack's checkpoint during it. */
  readonly checkpointWrites: Summary;
  /** Changes of the last rollback, by `<op> <type>`. */
  readonly changes: Readonly<Record<string, number>>;
  /** Exactly one VirtualService update per service, nothing else, in every run. */
  readonly exact: boolean;
  /** `kubectl apply` of the same VirtualService change, wall time. */
  readonly kubectl: Summary;
}

export interface Machine {
  readonly date: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly versions: Readonly<Record<string, string>>;
  /** 1-minute load average before and after the run: other work on the machine skews figures. */
  readonly load: { readonly before: number; readonly after: number };
}

export interface Results {
  readonly machine: Machine;
  readonly runs: number;
  readonly sizes: readonly SizeFigures[];
  readonly rollbacks: readonly RollbackFigures[];
}

export interface Target {
  readonly target: string;
  readonly figure: string;
  readonly met: boolean;
}

/** Marks the hand-written part of RESULTS.md, which a new run keeps. */
export const NOTES_MARKER = "<!-- Notes below this line are written by hand and kept when the benchmark rewrites this file. -->";

const seconds = (summary: Summary) => `${summary.median.toFixed(1)} s (${summary.min.toFixed(1)}–${summary.max.toFixed(1)})`;
const cpu = (summary: Summary) => `${summary.median.toFixed(1)} s`;
const mebibytes = (summary: Summary) => `${summary.median.toFixed(0)} MiB (${summary.min.toFixed(0)}–${summary.max.toFixed(0)})`;
const times = (value: number | undefined) => (value === undefined ? "–" : `${value.toFixed(2)}x`);
const count = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Preview, up, memory and resources per size and program. */
export function sizesTable(sizes: readonly SizeFigures[]): string {
  const rows = sizes.flatMap((size) =>
    (["switchyard", "baseline"] as const).map((program) => {
      const figures = size[program];
      return [
        String(size.services),
        program,
        seconds(figures.preview.wall),
        cpu(figures.preview.cpu),
        figures.up === undefined ? "preview only" : seconds(figures.up.wall),
        figures.up === undefined ? "" : cpu(figures.up.cpu),
        mebibytes(figures.memoryMiB),
        count(figures.perService),
      ];
    }),
  );
  return table(["services", "program", "preview", "preview CPU", "up (first deploy)", "up CPU", "program peak memory", "resources per service"], rows);
}

/** switchyard's medians over the baseline's: the component overhead. */
export function overheadTable(sizes: readonly SizeFigures[]): string {
  const over = (size: SizeFigures, pick: (f: ProgramFigures) => Summary | undefined) => times(ratio(pick(size.switchyard), pick(size.baseline)));
  return table(
    ["services", "preview", "preview CPU", "up", "up CPU"],
    sizes.map((size) => [
      String(size.services),
      over(size, (f) => f.preview.wall),
      over(size, (f) => f.preview.cpu),
      over(size, (f) => f.up?.wall),
      over(size, (f) => f.up?.cpu),
    ]),
  );
}

function changesText(changes: Readonly<Record<string, number>>): string {
  const entries = Object.entries(changes).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "none" : entries.map(([change, n]) => `${n} ${change}`).join(", ");
}

function deploymentChanges(changes: Readonly<Record<string, number>>): number {
  return Object.entries(changes)
    .filter(([change]) => change.endsWith(" Deployment"))
    .reduce((sum, [, n]) => sum + n, 0);
}

export function rollbackTable(rollbacks: readonly RollbackFigures[]): string {
  return table(
    ["services rolled back", "pulumi up", "up CPU", "program run and diff", "checkpoint writes", "changes", "Deployments changed", "as required", "kubectl apply (floor)", "up / kubectl"],
    rollbacks.map((rollback) => [
      String(rollback.services),
      seconds(rollback.up.wall),
      cpu(rollback.up.cpu),
      seconds(rollback.program),
      `${count(rollback.checkpointWrites.median)} (${count(rollback.checkpointWrites.min)}–${count(rollback.checkpointWrites.max)})`,
      changesText(rollback.changes),
      String(deploymentChanges(rollback.changes)),
      rollback.exact ? "yes" : "NO",
      seconds(rollback.kubectl),
      times(ratio(rollback.up.wall, rollback.kubectl)),
    ]),
  );
}

/**
 * A wall-time ratio against its limit, with the CPU-time ratio beside it;
 * where the target is set in both (`cpuToo`), the CPU ratio must meet it as well.
 */
function ratioTarget(target: string, wall: number | undefined, cpuRatio: number | undefined, met: (value: number) => boolean, cpuToo = false): Target[] {
  if (wall === undefined) return [];
  const cpuMet = !cpuToo || (cpuRatio !== undefined && met(cpuRatio));
  return [{ target, figure: `${times(wall)} (CPU ${times(cpuRatio)})`, met: met(wall) && cpuMet }];
}

/**
 * The issues' targets, for whichever sizes were measured. The component
 * overhead is set in wall and CPU time (issue 20), so both decide; for the
 * others wall time decides and CPU time is shown beside it.
 */
export function targets(results: Pick<Results, "sizes" | "rollbacks">): Target[] {
  const found: Target[] = [];
  for (const size of results.sizes) {
    for (const [label, pick] of [
      ["preview", (f: ProgramFigures) => f.preview],
      ["up", (f: ProgramFigures) => f.up],
    ] as const) {
      const [ours, base] = [pick(size.switchyard), pick(size.baseline)];
      found.push(
        ...ratioTarget(`component overhead, ${label}, ${size.services} services: ≤ 1.10x`, ratio(ours?.wall, base?.wall), ratio(ours?.cpu, base?.cpu), (r) => r <= 1.1, true),
      );
    }
  }
  const sizeOf = (services: number) => results.sizes.find((size) => size.services === services)?.switchyard.preview;
  const [ten, fifty] = [sizeOf(10), sizeOf(50)];
  found.push(...ratioTarget("preview of 50 services within 3x of 10", ratio(fifty?.wall, ten?.wall), ratio(fifty?.cpu, ten?.cpu), (r) => r <= 3));
  const rollbackOf = (services: number) => results.rollbacks.find((rollback) => rollback.services === services)?.up;
  const [one, all] = [rollbackOf(1), rollbackOf(50)];
  found.push(...ratioTarget("rollback of 50 services under 2x of 1", ratio(all?.wall, one?.wall), ratio(all?.cpu, one?.cpu), (r) => r < 2));
  for (const each of results.rollbacks) {
    found.push({
      target: `rollback of ${each.services} changes exactly ${each.services} VirtualService(s), 0 Deployments`,
      figure: changesText(each.changes),
      met: each.exact,
    });
  }
  return found;
}

export function targetsTable(found: readonly Target[]): string {
  return table(["target", "measured (median wall time, CPU time beside)", "met"], found.map((t) => [t.target, t.figure, t.met ? "yes" : "**no**"]));
}

/** Everything a run prints: the figures, then where they stand against the targets. */
export function figures(results: Results): string {
  const parts = [sizesTable(results.sizes), overheadTable(results.sizes)];
  if (results.rollbacks.length > 0) parts.push(rollbackTable(results.rollbacks));
  parts.push(targetsTable(targets(results)));
  return parts.join("\n\n");
}

function machineText(machine: Machine): string {
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  return [
    `- Date: ${machine.date}`,
    `- Machine: ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB memory, ${machine.os}`,
    `- Versions: ${versions}`,
    `- Load average (1 min) before / after the run: ${machine.load.before.toFixed(2)} / ${machine.load.after.toFixed(2)}`,
  ].join("\n");
}

/**
 * RESULTS.md: how the figures were taken, the figures, the targets, then the
 * hand-written notes of the previous file (everything after NOTES_MARKER).
 */
export function resultsMarkdown(results: Results, previous: string | undefined): string {
  const notesAt = previous?.indexOf(NOTES_MARKER) ?? -1;
  const notes = notesAt < 0 ? `${NOTES_MARKER}\n` : previous!.slice(notesAt);
  return `# Benchmark results

Written by \`npm run bench\` (see bench/README.md for what is measured and how).
Each figure is the median of ${results.runs} run(s), with the minimum and maximum in parentheses.
Times are wall-clock; CPU is the user and system time of \`pulumi\` and every
process under it (engine, language host, program, Kubernetes provider), as
the kernel accounts it, which moves far less than wall time when other work
shares the machine.

${machineText(results.machine)}

## Preview and first deploy

${sizesTable(results.sizes)}

Component overhead, switchyard over the baseline (medians):

${overheadTable(results.sizes)}

## Rollback

${results.rollbacks.length > 0 ? rollbackTable(results.rollbacks) : "Not measured in this run."}

## Targets

${targetsTable(targets(results))}

${notes}`;
}
