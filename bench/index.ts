import * as fs from "node:fs";
import * as path from "node:path";
import { kubectl, startCluster, stopCluster } from "../dev/lib/cluster";
import { installKubernetesProvider, pulumiEnvironment } from "../dev/lib/environment";
import { virtualServicesWithLive } from "./floor";
import { describeMachine, loadAverage } from "./machine";
import { parseOptions, type BenchOptions } from "./options";
import { BenchProject, type Program } from "./project";
import { figures, resultsMarkdown, type ProgramFigures, type RollbackFigures, type SizeFigures, type Timing } from "./report";
import { summarize } from "./stats";
import { changes, isExactRollback, perService, previewTypes } from "./steps";
import type { TimedRun } from "./timed";

/**
 * npm run bench: previews, deploys and rolls back generated stacks on a
 * local cluster of the benchmark's own, with switchyard and with the plain
 * baseline program, and reports medians (see bench/README.md).
 */

/** The benchmark's own cluster, so it never disturbs the dev deployment or the tests. */
const BENCH_CLUSTER = process.env.SWITCHYARD_BENCH_CLUSTER ?? "switchyard-bench";
const PROGRAMS: readonly Program[] = ["switchyard", "baseline"];

const log = (line: string) => console.error(`[bench] ${line}`);
const s = (value: number) => `${value.toFixed(1)} s`;

/** Projects whose folders an interrupted run removes. */
const openProjects = new Set<BenchProject>();

/** Wall and CPU seconds of repeated runs of one command. */
interface TimingSamples {
  wall: number[];
  cpu: number[];
}

interface Samples {
  preview: TimingSamples;
  up: TimingSamples;
  memory: number[];
  types: string[];
}

const emptySamples = (): Samples => ({ preview: { wall: [], cpu: [] }, up: { wall: [], cpu: [] }, memory: [], types: [] });

function record(samples: TimingSamples, run: TimedRun): void {
  samples.wall.push(run.seconds);
  samples.cpu.push(run.cpuSeconds);
}

function timing(samples: TimingSamples): Timing {
  return { wall: summarize(samples.wall), cpu: summarize(samples.cpu) };
}

function programFigures(samples: Samples, services: number): ProgramFigures {
  return {
    preview: timing(samples.preview),
    ...(samples.up.wall.length === 0 ? {} : { up: timing(samples.up) }),
    memoryMiB: summarize(samples.memory),
    perService: perService(samples.types, services),
  };
}

/** Seconds one synchronous call takes. */
function timeSync(action: () => void): number {
  const started = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Rolls every service of a deployed switchyard stack back from green to blue
 * in one `up`, `runs` times (each after an untimed promotion), then applies
 * the same VirtualService change with kubectl.
 */
async function measureRollback(project: BenchProject, runs: number): Promise<RollbackFigures> {
  const ups: TimingSamples = { wall: [], cpu: [] };
  const [programRuns, checkpointWrites]: number[][] = [[], []];
  const changed: Record<string, number>[] = [];
  for (let run = 0; run < runs; run++) {
    project.setLive("green");
    project.pulumi(["up", "--yes", "--skip-preview"]);
    project.setLive("blue");
    const rollback = await project.timed(["up", "--yes", "--skip-preview", "--json"], { countCheckpointWrites: true });
    record(ups, rollback);
    programRuns.push(rollback.programSeconds ?? 0);
    checkpointWrites.push(rollback.checkpointWrites ?? 0);
    changed.push(changes(rollback.stdout));
    log(
      `${project.services} services, rollback ${run + 1}/${runs}: pulumi up ${s(rollback.seconds)}, ` +
        `program run and diff ${s(rollback.programSeconds ?? 0)}, ${rollback.checkpointWrites} checkpoint writes`,
    );
  }
  const live = JSON.parse(kubectl(BENCH_CLUSTER, ["-n", project.namespace, "get", "virtualservices", "-o", "json"]).stdout);
  const manifest = (color: "blue" | "green") => {
    const file = path.join(project.dir, `virtualservices-${color}.json`);
    fs.writeFileSync(file, virtualServicesWithLive(live, color));
    return file;
  };
  const [promoted, rolledBack] = [manifest("green"), manifest("blue")];
  const apply = (file: string) =>
    kubectl(BENCH_CLUSTER, ["apply", "--server-side", "--force-conflicts", "--field-manager", "switchyard-bench", "-f", file]);
  const floors: number[] = [];
  for (let run = 0; run < runs; run++) {
    apply(promoted);
    floors.push(timeSync(() => apply(rolledBack)));
  }
  log(`${project.services} services, kubectl apply of the same change: ${floors.map(s).join(", ")}`);
  return {
    services: project.services,
    up: timing(ups),
    program: summarize(programRuns),
    checkpointWrites: summarize(checkpointWrites),
    changes: changed[changed.length - 1]!,
    exact: changed.every((each) => isExactRollback(each, project.services)),
    kubectl: summarize(floors),
  };
}

/** A fresh project for `use`, removed afterwards (its namespace with it) whatever happens. */
async function withProject<T>(program: Program, services: number, namespace: string, use: (project: BenchProject) => Promise<T>): Promise<T> {
  const project = new BenchProject(program, services, BENCH_CLUSTER, namespace);
  openProjects.add(project);
  try {
    return await use(project);
  } finally {
    project.remove();
    openProjects.delete(project);
  }
}

/** An untimed preview of each program first, so no measurement pays for cold disk caches. */
async function warmUp(): Promise<void> {
  for (const program of PROGRAMS) await withProject(program, 1, `bench-warm-up-${program}`, (project) => project.timed(["preview"]));
}

/** The first preview and, unless `previewOnly`, the first deploy of a fresh project. */
async function firstDeploy(project: BenchProject, previewOnly: boolean, sample: Samples): Promise<string> {
  const preview = await project.timed(["preview", "--json"]);
  record(sample.preview, preview);
  sample.types = previewTypes(preview.stdout);
  if (previewOnly) {
    sample.memory.push(preview.programMiB ?? 0);
    return `preview ${s(preview.seconds)}, program peak ${(preview.programMiB ?? 0).toFixed(0)} MiB`;
  }
  const up = await project.timed(["up", "--yes", "--skip-preview"]);
  const memory = Math.max(preview.programMiB ?? 0, up.programMiB ?? 0);
  record(sample.up, up);
  sample.memory.push(memory);
  sample.types = project.resourceTypes();
  return `preview ${s(preview.seconds)}, up ${s(up.seconds)}, program peak ${memory.toFixed(0)} MiB`;
}

/**
 * Previews (and unless `previewOnly`, deploys) a fresh stack of `services`
 * per program and run. The programs take turns going first, so both see the
 * machine in the same state on average. The last run of switchyard also
 * measures rollbacks when `services` is one of the rollback sizes.
 */
async function measureSize(services: number, previewOnly: boolean, options: BenchOptions, rollbacks: RollbackFigures[]): Promise<SizeFigures> {
  const samples: Record<Program, Samples> = { switchyard: emptySamples(), baseline: emptySamples() };
  for (let run = 0; run < options.runs; run++) {
    const order = run % 2 === 0 ? PROGRAMS : [...PROGRAMS].reverse();
    for (const program of order) {
      await withProject(program, services, `bench-${program}-${services}-${run}`, async (project) => {
        log(`${services} services, run ${run + 1}/${options.runs}, ${program}: ${await firstDeploy(project, previewOnly, samples[program])}`);
        const rollback = !previewOnly && program === "switchyard" && run === options.runs - 1 && options.rollbackSizes.includes(services);
        if (rollback) rollbacks.push(await measureRollback(project, options.runs));
      });
    }
  }
  return { services, switchyard: programFigures(samples.switchyard, services), baseline: programFigures(samples.baseline, services) };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const environment = pulumiEnvironment();
  installKubernetesProvider(environment);
  const machine = describeMachine(environment);
  const loadBefore = loadAverage();
  const sizes: SizeFigures[] = [];
  const rollbacks: RollbackFigures[] = [];
  try {
    log(`starting cluster ${BENCH_CLUSTER}`);
    startCluster(BENCH_CLUSTER, log);
    await warmUp();
    for (const services of options.sizes) sizes.push(await measureSize(services, false, options, rollbacks));
    for (const services of options.previewSizes) sizes.push(await measureSize(services, true, options, rollbacks));
  } finally {
    log(`stopping cluster ${BENCH_CLUSTER}`);
    stopCluster(BENCH_CLUSTER);
  }
  rollbacks.sort((a, b) => a.services - b.services);
  const results = { machine: { ...machine, load: { before: loadBefore, after: loadAverage() } }, runs: options.runs, sizes, rollbacks };
  console.log(figures(results));
  const previous = fs.existsSync(options.out) ? fs.readFileSync(options.out, "utf8") : undefined;
  fs.writeFileSync(options.out, resultsMarkdown(results, previous));
  log(`results written to ${path.relative(process.cwd(), options.out)}`);
}

/** Ctrl-C or a kill: take the cluster and the temporary projects down with us. */
function interrupted(signal: NodeJS.Signals): void {
  log(`${signal}: stopping cluster ${BENCH_CLUSTER} and removing temporary projects`);
  stopCluster(BENCH_CLUSTER);
  for (const project of openProjects) fs.rmSync(project.dir, { recursive: true, force: true });
  process.exit(130);
}
process.once("SIGINT", interrupted);
process.once("SIGTERM", interrupted);

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
