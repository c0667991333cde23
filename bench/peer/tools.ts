import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kubectl } from "../../dev/lib/cluster";
import { LOCAL_DIR } from "../../dev/lib/environment";
import { ArgoController, argoCrdFiles, pluginCommand, type ArgoBinaries } from "./argo";
import { ANALYSIS_DEFAULTS } from "../../model/config/analysis";
import { EXIT } from "../../cli/context/errors";
import { AnalysisBench, errorRateQuery, switchyardAnalysis, verdictAt } from "./analysis";
import {
  ANALYSED_CANARY_WEIGHT,
  analysedCanarySteps,
  analysisTemplate,
  benchServiceConfigs,
  CANARY_SUBSET,
  manifestStream,
  releaseObjects,
  routingObjects,
} from "./argoManifests";
import { ClusterView, CONFIG_MAPS, DESTINATION_RULES, now, PODS, ROLLOUTS, VIRTUAL_SERVICES } from "./clusterView";
import { runCommand, runSequence, type CommandRun } from "./commands";
import { fastPathNote } from "./fastPathOutput";
import {
  allLaned,
  allServedBy,
  allWeighted,
  flagsSeen,
  NEW_VERSION,
  noPodsOf,
  OLD_VERSION,
  reach,
  timed,
  auditEvents,
  noteVersionsWhenReached,
  sinceVerdict,
  throughTo,
  type RunFigures,
  type Timed,
  type VerdictTimed,
} from "./scenarios";
import { countWrites, writeTimes } from "./audit";
import { fastPathPhases } from "./profile";
import { SwitchyardProject, type BenchGroup } from "./switchyardProject";
import { serviceName } from "../stacks";

/** What every tool's side of the benchmark needs to know. */
export interface Bench {
  readonly cluster: string;
  readonly kubeconfig: string;
  readonly auditLog: string;
  readonly log: (line: string) => void;
}

/** One tool with N services deployed on the cluster, able to run the scenarios' cycle again and again. */
export interface ToolSide {
  readonly services: readonly string[];
  readonly namespace: string;
  run(profile: boolean): Promise<RunFigures>;
  remove(): Promise<void>;
}

function serviceNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => serviceName(index));
}

/** Waits until a CRD serves; `kubectl wait` fails outright while the new CRD has no status yet. */
async function crdEstablished(bench: Bench, crd: string): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const check = kubectl(bench.cluster, ["get", `crd/${crd}`, "-o", 'jsonpath={.status.conditions[?(@.type=="Established")].status}'], { allowFailure: true });
    if (check.stdout.trim() === "True") return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`CRD ${crd} was not established within 60 s`);
}

function deleteNamespace(bench: Bench, namespace: string): void {
  kubectl(bench.cluster, ["delete", "namespace", namespace, "--ignore-not-found", "--wait", "--timeout=600s"], { timeoutMs: 660_000 });
}

/**
 * switchyard: one stack, both colors deployed and warm. Each timed step is
 * the command an operator types: for one service `switchyard <verb> svc-001`,
 * for many `switchyard <verb> --all` (one command, parallel writes, one
 * record). Where the cycle needs a state no step makes (a 5% canary, a full
 * promotion) it is set up untimed, as a stack config edit and `pulumi up`.
 * With more than one service, the abort is also timed for a release group:
 * every service in one group with lanes, stopped by `rollback --group`.
 */
/** The release group the benchmark puts every service into for `rollback --group` (more than one service only). */
export const PEER_GROUP = "peer";

export class SwitchyardSide implements ToolSide {
  readonly services: readonly string[];

  private constructor(
    private readonly bench: Bench,
    private readonly project: SwitchyardProject,
    private readonly view: ClusterView,
    private readonly analysis: AnalysisBench,
  ) {
    this.services = serviceNames(project.services);
  }

  get namespace(): string {
    return this.project.namespace;
  }

  static async deploy(bench: Bench, count: number, analysis: AnalysisBench): Promise<SwitchyardSide> {
    const namespace = `peer-switchyard-${count}`;
    const project = new SwitchyardProject(count, bench.kubeconfig, namespace, switchyardAnalysis(analysis.url));
    bench.log(`switchyard: deploying ${count} service(s) into ${namespace}`);
    await runCommand(project.upCommand(), { env: project.environment.env, cwd: project.dir });
    const view = await ClusterView.start(bench.kubeconfig, namespace, [PODS, CONFIG_MAPS, VIRTUAL_SERVICES, DESTINATION_RULES]);
    const side = new SwitchyardSide(bench, project, view, analysis);
    analysis.failing(namespace, `${side.services[0]!}-green`);
    await reach(view, "switchyard deployed", allServedBy(view, side.services, OLD_VERSION));
    return side;
  }

  /** `switchyard <verb> svc-001 <args>` for one service, `switchyard <verb> --all <args>` for many. */
  private command(verb: string, args: readonly string[], options: { profile?: boolean; fastPath?: boolean } = {}) {
    const target = this.services.length === 1 ? [this.services[0]!] : ["--all"];
    return () => runCommand(this.project.switchyardCommand([verb, ...target, ...args], options), { env: this.project.environment.env, profile: options.profile ?? false });
  }

  private async untimedUp(traffic: { live: "blue" | "green"; canary: number }): Promise<void> {
    this.project.configure(traffic);
    await runCommand(this.project.upCommand(), { env: this.project.environment.env, cwd: this.project.dir });
  }

  async run(profile: boolean): Promise<RunFigures> {
    const { view, services } = this;
    await this.untimedUp({ live: "blue", canary: 5 });
    await reach(view, "5% canary", allWeighted(view, services, NEW_VERSION, 5));
    const step = await timed(view, services, "25% canary", allWeighted(view, services, NEW_VERSION, 25), this.command("canary", ["25"]));
    const abort = await timed(view, services, "canary stopped", allServedBy(view, services, OLD_VERSION), this.command("rollback", []));
    // The group leaves the stack config again before the next step; its lane headers go with that step's `pulumi up`.
    const groupAbort = services.length > 1 ? await this.groupAbort() : undefined;
    await this.untimedUp({ live: "green", canary: 0 });
    await reach(view, "full promotion", allServedBy(view, services, NEW_VERSION));
    const rolledBack = noteVersionsWhenReached(view, services, allServedBy(view, services, OLD_VERSION));
    const rollback = await timed(view, services, "rolled back", rolledBack.target, this.command("rollback", [], { profile }));
    const recordChanged = rolledBack.movedSince();
    const flags = flagsSeen(view, services);
    // Nothing is left to scale down: the rollback is complete when traffic has moved and the command has exited.
    const settledMs = Math.max(rollback.doneMs, rollback.run.endMs);
    const events = await auditEvents(this.bench.auditLog);
    const rollbackWrites = countWrites(events, this.namespace, rollback.startMs, settledMs);
    const commandWrites = writeTimes(events, this.namespace, "switchyard-cli", rollback.startMs, settledMs);
    const profiled = profile ? fastPathPhases(rollback.startMs, rollback.run, commandWrites, rollback.doneMs) : undefined;

    await this.untimedUp({ live: "green", canary: 0 });
    await reach(view, "full promotion again", allServedBy(view, services, NEW_VERSION));
    const recordedPathRollback = await timed(view, services, "rolled back (plain path)", allServedBy(view, services, OLD_VERSION), this.command("rollback", [], { fastPath: false }));

    const autoRollback = await this.automaticRollback();
    return {
      step,
      abort,
      rollback,
      flags,
      rollbackWrites,
      settledSeconds: (settledMs - rollback.startMs) / 1000,
      ...(profiled === undefined ? {} : { phases: profiled }),
      autoRollback: autoRollback.figures,
      recordedPathRollback,
      recordChanged,
      fastPath: [step, abort, rollback, autoRollback].map((t) => fastPathNote(t.run.output)),
      ...(groupAbort === undefined ? {} : { groupAbort, groupFastPath: fastPathNote(groupAbort.run.output) }),
    };
  }

  /**
   * Scenario 2 for a release group: every service put into one group with
   * lanes and brought to a 25% canary (untimed: one stack config edit and
   * `pulumi up`), then `switchyard rollback --group` timed until every
   * service is fully served by the old version. The group is taken out of
   * the stack config afterwards, whatever happened, since the other steps
   * name services singly or with --all, which a group's member is refused for.
   */
  private async groupAbort(): Promise<Timed> {
    const { view, services } = this;
    const group: BenchGroup = { name: PEER_GROUP, services, lanes: true };
    this.project.configureGroup(group, { live: "blue", canary: 25 });
    try {
      await runCommand(this.project.upCommand(), { env: this.project.environment.env, cwd: this.project.dir });
      await reach(view, "25% canary of the group, with lanes", () => allWeighted(view, services, NEW_VERSION, 25)() && allLaned(view, services)());
      const rollback = () => runCommand(this.project.switchyardCommand(["rollback", "--group", group.name]), { env: this.project.environment.env, profile: false });
      return await timed(view, services, "group canary stopped", allServedBy(view, services, OLD_VERSION), rollback);
    } finally {
      this.project.removeGroups();
    }
  }

  /** `switchyard rollout svc-001 --steps 25`: a full `up` to 25%, one interval, a failing verdict, the automatic rollback. */
  private async automaticRollback(): Promise<{ figures: VerdictTimed; run: CommandRun }> {
    const first = [this.services[0]!];
    const rollout = () =>
      runCommand(this.project.switchyardCommand(["rollout", first[0]!, "--steps", String(ANALYSED_CANARY_WEIGHT), "--interval", "1s"]), { env: this.project.environment.env, exitCodes: [EXIT.rolledBack] });
    const { safeMs, run } = await throughTo(
      this.view,
      { midway: "rollout at 25%", final: "rolled back automatically" },
      allWeighted(this.view, first, NEW_VERSION, ANALYSED_CANARY_WEIGHT),
      allServedBy(this.view, first, OLD_VERSION),
      rollout,
    );
    const verdictMs = verdictAt(this.analysis.answers(), run.startMs, safeMs);
    return { figures: sinceVerdict(verdictMs, safeMs, run.endMs), run };
  }

  async remove(): Promise<void> {
    this.view.stop();
    deleteNamespace(this.bench, this.namespace);
    this.project.remove();
  }
}

/**
 * Argo Rollouts: one Rollout per service with Istio subset-level traffic
 * routing, driven by `kubectl argo rollouts` commands, one per service, one
 * after another as an operator's loop would run them. A new version is a
 * `kubectl apply` of the ConfigMap and the Rollout (untimed, as a GitOps sync).
 * The automatic rollback is Argo's own: a Rollout whose step after 25% is an
 * analysis with the Prometheus provider, which aborts it when it fails.
 */
export class ArgoSide implements ToolSide {
  readonly services: readonly string[];

  private constructor(
    private readonly bench: Bench,
    private readonly binaries: ArgoBinaries,
    readonly namespace: string,
    private readonly controller: ArgoController,
    private readonly view: ClusterView,
    private readonly manifestsDir: string,
    private readonly analysis: AnalysisBench,
    count: number,
  ) {
    this.services = serviceNames(count);
  }

  static async deploy(bench: Bench, binaries: ArgoBinaries, count: number, analysis: AnalysisBench): Promise<ArgoSide> {
    const namespace = `peer-argo-${count}`;
    for (const file of argoCrdFiles()) kubectl(bench.cluster, ["apply", "--server-side", "-f", file]);
    await crdEstablished(bench, "rollouts.argoproj.io");
    await crdEstablished(bench, "analysistemplates.argoproj.io");
    kubectl(bench.cluster, ["create", "namespace", namespace]);
    const manifestsDir = fs.mkdtempSync(path.join(os.tmpdir(), "argo-peer-"));
    bench.log(`argo: starting rollouts-controller, deploying ${count} service(s) into ${namespace}`);
    const logDir = path.join(LOCAL_DIR, "peer");
    fs.mkdirSync(logDir, { recursive: true });
    const controller = await ArgoController.start(binaries.controller, bench.kubeconfig, path.join(logDir, `rollouts-controller-${count}.log`));
    const view = await ClusterView.start(bench.kubeconfig, namespace, [PODS, CONFIG_MAPS, VIRTUAL_SERVICES, DESTINATION_RULES, ROLLOUTS]);
    const side = new ArgoSide(bench, binaries, namespace, controller, view, manifestsDir, analysis, count);
    const canaryWorkload = `${side.services[0]!}-${CANARY_SUBSET}`;
    analysis.failing(namespace, canaryWorkload);
    side.apply("analysis", [analysisTemplate(namespace, analysis.url, errorRateQuery(namespace, side.services[0]!, CANARY_SUBSET), ANALYSIS_DEFAULTS.maxErrorRate)]);
    side.apply("routing", routingObjects(benchServiceConfigs(count, namespace), namespace));
    side.apply("release-blue", releaseObjects(benchServiceConfigs(count, namespace), namespace, "blue"));
    await reach(view, "Argo deployed", allServedBy(view, side.services, OLD_VERSION));
    return side;
  }

  private apply(name: string, manifests: Record<string, unknown>[]): void {
    const file = path.join(this.manifestsDir, `${name}.yaml`);
    fs.writeFileSync(file, manifestStream(manifests));
    kubectl(this.bench.cluster, ["apply", "-f", file]);
  }

  /** `kubectl argo rollouts <verb> <rollout> [flags]` for every service, one after another. */
  private each(verb: string, flags: readonly string[] = []) {
    return () => runSequence(this.services.map((service) => pluginCommand(this.binaries, this.bench.kubeconfig, this.namespace, [verb, service, ...flags])));
  }

  /** Every Rollout paused at step `index` of its canary steps. */
  private pausedAt(index: number) {
    return () =>
      this.services.every((service) => {
        const status = this.view.get(ROLLOUTS, service)?.status;
        return status?.currentStepIndex === index && (status?.pauseConditions?.length ?? 0) > 0;
      });
  }

  private healthy(services: readonly string[] = this.services) {
    return () => services.every((service) => this.view.get(ROLLOUTS, service)?.status?.phase === "Healthy");
  }

  async run(): Promise<RunFigures> {
    const { view, services } = this;
    this.apply("release-green", releaseObjects(benchServiceConfigs(services.length, this.namespace), this.namespace, "green"));
    await reach(view, "5% canary, paused", () => this.pausedAt(1)() && allWeighted(view, services, NEW_VERSION, 5)());
    const step = await timed(view, services, "25% canary", allWeighted(view, services, NEW_VERSION, 25), this.each("promote"));
    await reach(view, "25% canary, paused", this.pausedAt(3));
    const abort = await timed(view, services, "canary aborted", allServedBy(view, services, OLD_VERSION), this.each("abort"));
    await this.each("promote", ["--full"])();
    await reach(view, "full promotion, old version scaled down", () => allServedBy(view, services, NEW_VERSION)() && noPodsOf(view, OLD_VERSION)() && this.healthy()());
    const rollback = await timed(view, services, "rolled back", allServedBy(view, services, OLD_VERSION), this.each("undo"));
    const flags = flagsSeen(view, services);
    // The rolled-back-from version is scaled down after scaleDownDelaySeconds: the rollback's writes go on until then.
    await reach(view, "new version scaled down", () => noPodsOf(view, NEW_VERSION)() && this.healthy()());
    const settledMs = now();
    const rollbackWrites = countWrites(await auditEvents(this.bench.auditLog), this.namespace, rollback.startMs, settledMs);
    const autoRollback = await this.automaticRollback();
    return { step, abort, rollback, flags, rollbackWrites, settledSeconds: (settledMs - rollback.startMs) / 1000, autoRollback };
  }

  /**
   * The first service's new version with the analysed steps (untimed apply):
   * the controller brings the canary up, sets 25%, runs the analysis, which
   * fails, and aborts to 0%. Afterwards the stable version is applied again,
   * which clears the abort, as a reverting commit would.
   */
  private async automaticRollback(): Promise<VerdictTimed> {
    const { view } = this;
    const first = [this.services[0]!];
    const configs = benchServiceConfigs(this.services.length, this.namespace).slice(0, 1);
    const applyStartMs = now();
    const { safeMs } = await throughTo(
      view,
      { midway: "analysed canary at 25%", final: "aborted by the analysis" },
      allWeighted(view, first, NEW_VERSION, ANALYSED_CANARY_WEIGHT),
      allServedBy(view, first, OLD_VERSION),
      async () => {
        this.apply("release-analysed", releaseObjects(configs, this.namespace, "green", analysedCanarySteps()));
        return { startMs: applyStartMs, endMs: now(), output: "", processes: [], exitCode: 0 };
      },
    );
    const figures = sinceVerdict(verdictAt(this.analysis.answers(), applyStartMs, safeMs), safeMs);
    this.apply("release-blue-again", releaseObjects(configs, this.namespace, "blue"));
    await reach(view, "analysed canary reverted", () => this.healthy(first)() && allServedBy(view, first, OLD_VERSION)());
    return figures;
  }

  async remove(): Promise<void> {
    this.view.stop();
    deleteNamespace(this.bench, this.namespace);
    this.controller.stop();
    fs.rmSync(this.manifestsDir, { recursive: true, force: true });
  }
}
