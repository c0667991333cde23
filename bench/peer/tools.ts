import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kubectl } from "../../dev/lib/cluster";
import { LOCAL_DIR } from "../../dev/lib/environment";
import { ArgoController, argoCrdFiles, pluginCommand, type ArgoBinaries } from "./argo";
import { benchServiceConfigs, manifestStream, releaseObjects, routingObjects } from "./argoManifests";
import { ClusterView, CONFIG_MAPS, DESTINATION_RULES, now, PODS, ROLLOUTS, VIRTUAL_SERVICES } from "./clusterView";
import { runCommand, runSequence } from "./commands";
import {
  allServedBy,
  allWeighted,
  flagsSeen,
  NEW_VERSION,
  noPodsOf,
  OLD_VERSION,
  reach,
  timed,
  auditEvents,
  type RunFigures,
} from "./scenarios";
import { countWrites, writeTimes } from "./audit";
import { phases } from "./profile";
import { SwitchyardProject } from "./switchyardProject";
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
 * switchyard: one stack, both colors deployed and warm. With one service
 * each step is the switchyard command an operator types; with 20 it is the
 * stack config edit (untimed, as a reviewed commit) followed by the timed
 * `pulumi up`, since the command acts on one service at a time.
 */
export class SwitchyardSide implements ToolSide {
  readonly services: readonly string[];

  private constructor(
    private readonly bench: Bench,
    private readonly project: SwitchyardProject,
    private readonly view: ClusterView,
  ) {
    this.services = serviceNames(project.services);
  }

  get namespace(): string {
    return this.project.namespace;
  }

  static async deploy(bench: Bench, count: number): Promise<SwitchyardSide> {
    const namespace = `peer-switchyard-${count}`;
    const project = new SwitchyardProject(count, bench.kubeconfig, namespace);
    bench.log(`switchyard: deploying ${count} service(s) into ${namespace}`);
    await runCommand(project.upCommand(), { env: project.environment.env, cwd: project.dir });
    const view = await ClusterView.start(bench.kubeconfig, namespace, [PODS, CONFIG_MAPS, VIRTUAL_SERVICES, DESTINATION_RULES]);
    const side = new SwitchyardSide(bench, project, view);
    await reach(view, "switchyard deployed", allServedBy(view, side.services, OLD_VERSION));
    return side;
  }

  /** One timed step: the switchyard command for one service, config edit plus `pulumi up` for many. */
  private step(traffic: { live: "blue" | "green"; canary: number }, command: readonly string[], profile: boolean) {
    if (this.services.length === 1) {
      return () => runCommand(this.project.switchyardCommand([command[0]!, this.services[0]!, ...command.slice(1)]), { profile });
    }
    this.project.configure(traffic);
    return () => runCommand(this.project.upCommand(), { env: this.project.environment.env, cwd: this.project.dir, profile });
  }

  private async untimedUp(traffic: { live: "blue" | "green"; canary: number }): Promise<void> {
    this.project.configure(traffic);
    await runCommand(this.project.upCommand(), { env: this.project.environment.env, cwd: this.project.dir });
  }

  async run(profile: boolean): Promise<RunFigures> {
    const { view, services } = this;
    await this.untimedUp({ live: "blue", canary: 5 });
    await reach(view, "5% canary", allWeighted(view, services, NEW_VERSION, 5));
    const step = await timed(view, services, "25% canary", allWeighted(view, services, NEW_VERSION, 25), this.step({ live: "blue", canary: 25 }, ["canary", "25"], false));
    const abort = await timed(view, services, "canary stopped", allServedBy(view, services, OLD_VERSION), this.step({ live: "blue", canary: 0 }, ["rollback"], false));
    await this.untimedUp({ live: "green", canary: 0 });
    await reach(view, "full promotion", allServedBy(view, services, NEW_VERSION));
    const rollback = await timed(view, services, "rolled back", allServedBy(view, services, OLD_VERSION), this.step({ live: "blue", canary: 0 }, ["rollback"], profile));
    const flags = flagsSeen(view, services);
    // Nothing is left to scale down: the rollback is complete when traffic has moved and the command has exited.
    const settledMs = Math.max(rollback.doneMs, rollback.run.endMs);
    const events = await auditEvents(this.bench.auditLog);
    const rollbackWrites = countWrites(events, this.namespace, rollback.startMs, settledMs);
    const providerWrites = writeTimes(events, this.namespace, "pulumi", rollback.startMs, settledMs);
    const profiled = profile ? phases(rollback.startMs, rollback.run.processes, providerWrites) : undefined;
    return {
      step,
      abort,
      rollback,
      flags,
      rollbackWrites,
      settledSeconds: (settledMs - rollback.startMs) / 1000,
      ...(profiled === undefined ? {} : { phases: profiled }),
    };
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
    count: number,
  ) {
    this.services = serviceNames(count);
  }

  static async deploy(bench: Bench, binaries: ArgoBinaries, count: number): Promise<ArgoSide> {
    const namespace = `peer-argo-${count}`;
    for (const file of argoCrdFiles()) kubectl(bench.cluster, ["apply", "--server-side", "-f", file]);
    await crdEstablished(bench, "rollouts.argoproj.io");
    kubectl(bench.cluster, ["create", "namespace", namespace]);
    const manifestsDir = fs.mkdtempSync(path.join(os.tmpdir(), "argo-peer-"));
    bench.log(`argo: starting rollouts-controller, deploying ${count} service(s) into ${namespace}`);
    const logDir = path.join(LOCAL_DIR, "peer");
    fs.mkdirSync(logDir, { recursive: true });
    const controller = await ArgoController.start(binaries.controller, bench.kubeconfig, path.join(logDir, `rollouts-controller-${count}.log`));
    const view = await ClusterView.start(bench.kubeconfig, namespace, [PODS, CONFIG_MAPS, VIRTUAL_SERVICES, DESTINATION_RULES, ROLLOUTS]);
    const side = new ArgoSide(bench, binaries, namespace, controller, view, manifestsDir, count);
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

  private healthy() {
    return () => this.services.every((service) => this.view.get(ROLLOUTS, service)?.status?.phase === "Healthy");
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
    return { step, abort, rollback, flags, rollbackWrites, settledSeconds: (settledMs - rollback.startMs) / 1000 };
  }

  async remove(): Promise<void> {
    this.view.stop();
    deleteNamespace(this.bench, this.namespace);
    this.controller.stop();
    fs.rmSync(this.manifestsDir, { recursive: true, force: true });
  }
}
