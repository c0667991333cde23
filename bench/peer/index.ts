import * as fs from "node:fs";
import * as path from "node:path";
import { auditLogPath, isRunning, startCluster, stopCluster } from "../../dev/lib/cluster";
import { pulumiEnvironment } from "../../dev/lib/environment";
import { ARGO_ROLLOUTS_VERSION, PROJECT_ROOT } from "../../dev/lib/toolchain";
import { describeMachine, loadAverage } from "../machine";
import { AnalysisBench } from "./analysis";
import { argoBinaries, pluginCommand } from "./argo";
import { parsePeerOptions, type PeerOptions } from "./options";
import type { Phases } from "./profile";
import {
  markdownTable,
  peerRows,
  profileTable,
  replaceSection,
  startupTable,
  targetRows,
  targetTable,
  textTable,
  toolFigures,
  type SizeFigures,
} from "./report";
import { measureStartup, type StartupFigures } from "./startup";
import { SWITCHYARD_BIN } from "./switchyardProject";
import { FLAG, OLD_FLAG_VALUE, type RunFigures } from "./scenarios";
import { ArgoSide, SwitchyardSide, type Bench, type ToolSide } from "./tools";

/**
 * npm run bench:peer: switchyard and Argo Rollouts side by side on one local
 * cluster of their own, where a pod turns Ready 10 s after it starts. For 1
 * and 20 services, several runs of each scenario, timed from the operator's
 * command to the state the API server shows (see bench/RESULTS.md).
 */

const PEER_CLUSTER = process.env.SWITCHYARD_PEER_CLUSTER ?? "switchyard-peer";
const PEER_DIR = path.join(PROJECT_ROOT, "bench", "peer");
const RESULTS = path.join(PROJECT_ROOT, "bench", "RESULTS.md");

const log = (line: string) => console.error(`[peer] ${line}`);
/** Start-up runs per tool: a fraction of a second each, so more than the scenarios get. */
const STARTUP_RUNS = 9;

/** Sides deployed right now, removed on failure or interruption. */
const open = new Set<ToolSide>();
let analysis: AnalysisBench | undefined;

async function measure(side: ToolSide, runs: number, profileRuns: number, label: string): Promise<{ runs: RunFigures[]; phases: Phases[] }> {
  open.add(side);
  try {
    const measured: RunFigures[] = [];
    for (let run = 0; run < runs; run++) {
      const figures = await side.run(false);
      measured.push(figures);
      log(
        `${label}, run ${run + 1}/${runs}: rollback ${figures.rollback.seconds.toFixed(2)} s (exit ${figures.rollback.commandSeconds.toFixed(2)} s), ` +
          `abort ${figures.abort.seconds.toFixed(2)} s (exit ${figures.abort.commandSeconds.toFixed(2)} s), ` +
          (figures.groupAbort === undefined
            ? ""
            : `group abort ${figures.groupAbort.seconds.toFixed(2)} s (exit ${figures.groupAbort.commandSeconds.toFixed(2)} s, fast path ${figures.groupFastPath ?? "?"}), `) +
          `step ${figures.step.seconds.toFixed(2)} s (exit ${figures.step.commandSeconds.toFixed(2)} s), ` +
          `automatic rollback ${figures.autoRollback.safeSeconds.toFixed(2)} s after the verdict` +
          (figures.autoRollback.recordedSeconds === undefined ? "" : ` (exit ${figures.autoRollback.recordedSeconds.toFixed(2)} s)`) +
          (figures.recordedPathRollback === undefined ? "" : `, --no-fast-path rollback ${figures.recordedPathRollback.seconds.toFixed(2)} s (exit ${figures.recordedPathRollback.commandSeconds.toFixed(2)} s)`) +
          `, writes ${figures.rollbackWrites.byTool}/${figures.rollbackWrites.total} ${JSON.stringify(figures.rollbackWrites.byActor)}, flags ${JSON.stringify(figures.flags)}` +
          (figures.fastPath === undefined ? "" : `, fast path ${JSON.stringify(figures.fastPath)}`),
      );
    }
    const phases: Phases[] = [];
    for (let run = 0; run < profileRuns; run++) {
      const profiled = (await side.run(true)).phases;
      if (profiled !== undefined) phases.push(profiled);
    }
    return { runs: measured, phases };
  } finally {
    open.delete(side);
    await side.remove();
  }
}

function section(options: PeerOptions, startup: StartupFigures, sizes: readonly SizeFigures[], profiles: { services: number; phases: Phases[] }[], machine: string): string {
  return [
    `Measured by \`npm run bench:peer -- --runs ${options.runs} --sizes ${options.sizes.join(",")}\`: each time is the median of ${options.runs} runs, with the fastest and slowest run in parentheses; "switchyard / Argo" is the ratio of the medians (above 1: switchyard takes longer).`,
    "",
    machine,
    "",
    startupTable(startup),
    "",
    markdownTable(peerRows(sizes, FLAG, OLD_FLAG_VALUE)),
    "",
    "The issue's targets, in this run:",
    "",
    targetTable(targetRows(sizes)),
    "",
    `Where switchyard's rollback spends its time (median of ${options.profileRuns} profiled run${options.profileRuns === 1 ? "" : "s"} per size, not part of the figures above):`,
    "",
    profileTable(profiles),
  ].join("\n");
}

function machineText(options: PeerOptions, loadBefore: number): string {
  const machine = describeMachine(pulumiEnvironment());
  const versions = { ...machine.versions, "Argo Rollouts": ARGO_ROLLOUTS_VERSION };
  return [
    `- Date: ${machine.date}; ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB memory, ${machine.os}`,
    `- Versions: ${Object.entries(versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}`,
    `- Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadAverage().toFixed(2)} (the machine is shared: other work skews the figures)`,
    `- Runs: ${options.runs} per scenario, tool and size; pods turn Ready 10 s after they start (bench/peer/stages.yaml)`,
  ].join("\n");
}

async function main(options: PeerOptions): Promise<void> {
  const loadBefore = loadAverage();
  const binaries = argoBinaries(log);
  log(`starting cluster ${PEER_CLUSTER}`);
  const cluster = startCluster(PEER_CLUSTER, log, {
    stagesFile: path.join(PEER_DIR, "stages.yaml"),
    auditPolicyFile: path.join(PEER_DIR, "audit-policy.yaml"),
  });
  if (!cluster.started) throw new Error(`cluster ${PEER_CLUSTER} was already running: stop it (npm run cluster -- stop ${PEER_CLUSTER}) so it starts with the benchmark's stages and audit log`);
  const bench: Bench = { cluster: PEER_CLUSTER, kubeconfig: cluster.kubeconfig, auditLog: auditLogPath(PEER_CLUSTER), log };
  const startup = await measureStartup([process.execPath, SWITCHYARD_BIN, "--help"], pluginCommand(binaries, cluster.kubeconfig, "default", ["version"]), STARTUP_RUNS);
  log(`start-up: switchyard --help ${startup.switchyard.median.toFixed(3)} s, kubectl argo rollouts version ${startup.argo.median.toFixed(3)} s (medians of ${STARTUP_RUNS})`);
  analysis = await AnalysisBench.start(log);
  const sizes: SizeFigures[] = [];
  const profiles: { services: number; phases: Phases[] }[] = [];
  for (const count of options.sizes) {
    const switchyard = await measure(await SwitchyardSide.deploy(bench, count, analysis), options.runs, options.profileRuns, `switchyard, ${count} service(s)`);
    const argo = await measure(await ArgoSide.deploy(bench, binaries, count, analysis), options.runs, 0, `Argo Rollouts, ${count} service(s)`);
    sizes.push({ services: count, switchyard: toolFigures(switchyard.runs), argo: toolFigures(argo.runs) });
    profiles.push({ services: count, phases: switchyard.phases });
    // After every size, so a failure later keeps what was measured.
    if (options.write) writeResults(section(options, startup, sizes, profiles, machineText(options, loadBefore)));
  }
  console.log(startupTable(startup));
  console.log(textTable(peerRows(sizes, FLAG, OLD_FLAG_VALUE)));
  console.log(`\n${targetTable(targetRows(sizes))}`);
  console.log(`\n${profileTable(profiles)}`);
}

function writeResults(text: string): void {
  const previous = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, "utf8") : "";
  fs.writeFileSync(RESULTS, replaceSection(previous, text));
  log(`wrote the side-by-side section of ${RESULTS}`);
}

async function stopPeerCluster(): Promise<void> {
  stopCluster(PEER_CLUSTER);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  if (isRunning(PEER_CLUSTER)) log(`cluster ${PEER_CLUSTER} still answers: stop it with npm run cluster -- stop ${PEER_CLUSTER}`);
}

async function cleanUp(): Promise<void> {
  for (const side of open) await side.remove().catch((error) => log(`cleanup: ${String(error)}`));
  await analysis?.stop().catch((error) => log(`cleanup: ${String(error)}`));
  await stopPeerCluster();
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping the Argo controller and the cluster`);
    void cleanUp().finally(() => process.exit(130));
  });
}

let options: PeerOptions;
try {
  options = parsePeerOptions(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
main(options)
  .then(() => cleanUp())
  .catch(async (error) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    await cleanUp();
    process.exitCode = 1;
  });
