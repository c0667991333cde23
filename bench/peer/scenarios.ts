import * as fs from "node:fs";
import { parseAuditLog, type AuditEvent, type WriteCount } from "./audit";
import { ClusterView, CONFIG_MAPS, DESTINATION_RULES, PODS, VIRTUAL_SERVICES } from "./clusterView";
import type { CommandRun } from "./commands";
import type { Phases } from "./profile";
import { fullyServedBy, flagSeen, serving, setsLaneHeaders, SERVICE_LABEL, VERSION_LABEL, weightOn, weightOnNothing, type Pod, type SubsetServing } from "./serving";

/**
 * What both tools are measured on, read from the cluster alone. The
 * benchmark's services run version OLD_VERSION (the "blue" slot, feature
 * flag off) and NEW_VERSION ("green", flag on), two pods each.
 */
export const OLD_VERSION = "1.0.0";
export const NEW_VERSION = "1.1.0";
/** The feature flag whose value differs between the two versions' config. */
export const FLAG = "FEATURE_NEW_PATH";
export const OLD_FLAG_VALUE = "false";
export const REPLICAS = 2;
/** Longest wait for any state: a stuck run fails instead of hanging. */
export const WAIT_MS = 300_000;

/** One timed scenario: from the operator's command to the state the cluster reached. */
export interface Timed {
  /** Command start until the cluster showed the target state, seconds. */
  readonly seconds: number;
  /** Command start until the command (all of them, for a loop) exited, seconds. */
  readonly commandSeconds: number;
  readonly startMs: number;
  readonly doneMs: number;
  readonly run: CommandRun;
  /** Highest weight any service sent to a subset with no ready pod while this ran. */
  readonly weightOnNothing: number;
}

/** One service's weighted destinations resolved to pods. */
export function destinationsOf(view: ClusterView, service: string): SubsetServing[] {
  const vs = view.get(VIRTUAL_SERVICES, service);
  const dr = view.get(DESTINATION_RULES, service);
  if (vs === undefined || dr === undefined) return [];
  return serving(vs, dr, podsOf(view, service));
}

function podsOf(view: ClusterView, service: string): Pod[] {
  return view.list<Pod>(PODS).filter((pod) => pod.metadata.labels?.[SERVICE_LABEL] === service);
}

export const allServedBy = (view: ClusterView, services: readonly string[], version: string) => () =>
  services.every((service) => fullyServedBy(destinationsOf(view, service), version, REPLICAS));

export const allWeighted = (view: ClusterView, services: readonly string[], version: string, weight: number) => () =>
  services.every((service) => weightOn(destinationsOf(view, service), version) === weight);

/** Every service's weighted route sets the lane header (its release group's lanes are rendered). */
export const allLaned = (view: ClusterView, services: readonly string[]) => () =>
  services.every((service) => {
    const vs = view.get(VIRTUAL_SERVICES, service);
    return vs !== undefined && setsLaneHeaders(vs);
  });

/** No pod of `version` is left (a scaled-down ReplicaSet's pods are gone). */
export const noPodsOf = (view: ClusterView, version: string) => () => view.list<Pod>(PODS).every((pod) => pod.metadata.labels?.[VERSION_LABEL] !== version);

/** How many serving pods see each value of FLAG, over all services. */
export function flagsSeen(view: ClusterView, services: readonly string[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const service of services) {
    const vs = view.get(VIRTUAL_SERVICES, service);
    const dr = view.get(DESTINATION_RULES, service);
    if (vs === undefined || dr === undefined) continue;
    for (const [value, pods] of Object.entries(flagSeen(vs, dr, podsOf(view, service), view.list(CONFIG_MAPS), FLAG))) {
      total[value] = (total[value] ?? 0) + pods;
    }
  }
  return total;
}

/**
 * Runs an operator command and waits, on the watch, for `target`; the
 * target must not hold before the command starts, or the run measures
 * nothing.
 */
export async function timed(
  view: ClusterView,
  services: readonly string[],
  what: string,
  target: () => boolean,
  command: () => Promise<CommandRun>,
): Promise<Timed> {
  if (target()) throw new Error(`${what}: the target state holds before the command ran`);
  let worst = 0;
  const stopObserving = view.observe(() => {
    for (const service of services) worst = Math.max(worst, weightOnNothing(destinationsOf(view, service)));
  });
  try {
    const [doneMs, run] = await Promise.all([view.waitFor(what, target, WAIT_MS), command()]);
    return {
      seconds: (doneMs - run.startMs) / 1000,
      commandSeconds: (run.endMs - run.startMs) / 1000,
      startMs: run.startMs,
      doneMs,
      run,
      weightOnNothing: worst,
    };
  } finally {
    stopObserving();
  }
}

/** Waits for a state that is set up, not measured. */
export async function reach(view: ClusterView, what: string, target: () => boolean): Promise<void> {
  await view.waitFor(what, target, WAIT_MS);
}

/** The audit log's events, read once the API server has had a moment to write the latest. */
export async function auditEvents(auditLog: string): Promise<AuditEvent[]> {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return parseAuditLog(fs.readFileSync(auditLog, "utf8"));
}

/** The automatic rollback, timed from the failing verdict (see analysis.ts, verdictAt). */
export interface VerdictTimed {
  /** Verdict until the watch saw 0% on the canary, seconds. */
  readonly safeSeconds: number;
  /** Verdict until the command exited having recorded the rollback; none for Argo, whose controller records nothing. */
  readonly recordedSeconds?: number;
}

export function sinceVerdict(verdictMs: number, safeMs: number, exitMs?: number): VerdictTimed {
  if (safeMs < verdictMs) throw new Error(`the weights went back ${((verdictMs - safeMs) / 1000).toFixed(2)} s before the verdict: the verdict was not what moved them`);
  return { safeSeconds: (safeMs - verdictMs) / 1000, ...(exitMs === undefined ? {} : { recordedSeconds: (exitMs - verdictMs) / 1000 }) };
}

/**
 * Wraps a target so that the first time it holds, every service's
 * VirtualService resourceVersion is noted: compared with the versions after
 * the command exited, it tells whether anything after the move (switchyard's
 * record) changed the object again.
 */
export function noteVersionsWhenReached(view: ClusterView, services: readonly string[], target: () => boolean) {
  let reached: Map<string, string | undefined> | undefined;
  const versions = () => new Map(services.map((service) => [service, view.get(VIRTUAL_SERVICES, service)?.metadata?.resourceVersion as string | undefined]));
  return {
    target: () => {
      const holds = target();
      if (holds && reached === undefined) reached = versions();
      return holds;
    },
    /** Services whose VirtualService changed since the target first held. */
    movedSince: (): { changed: number; of: number } => {
      if (reached === undefined) throw new Error("the target never held: no versions to compare");
      const now = versions();
      return { changed: services.filter((service) => now.get(service) !== reached!.get(service)).length, of: services.length };
    },
  };
}

/** Runs a command that moves traffic to `midway` and then to `final` on its own (a rollout); resolves with when the watch saw `final`. */
export async function throughTo(
  view: ClusterView,
  what: { readonly midway: string; readonly final: string },
  midway: () => boolean,
  final: () => boolean,
  command: () => Promise<CommandRun>,
): Promise<{ readonly safeMs: number; readonly run: CommandRun }> {
  const watched = (async () => {
    await view.waitFor(what.midway, midway, WAIT_MS);
    return view.waitFor(what.final, final, WAIT_MS);
  })();
  const [safeMs, run] = await Promise.all([watched, command()]);
  return { safeMs, run };
}

/** All the figures of one run (one cycle) of one tool. */
export interface RunFigures {
  /** Scenario 3: one canary step, 5% to 25%. */
  readonly step: Timed;
  /** Scenario 2: abort during a 25% canary. */
  readonly abort: Timed;
  /** Scenario 1: rollback after a full promotion. */
  readonly rollback: Timed;
  /** Scenario 4: FLAG values the serving pods see after the rollback, with pod counts. */
  readonly flags: Readonly<Record<string, number>>;
  /** Scenario 5: writes from the rollback command until the namespace settled. */
  readonly rollbackWrites: WriteCount;
  /** Seconds from the rollback command until the namespace settled (nothing left to scale down). */
  readonly settledSeconds: number;
  /** Where the rollback command's time went, for a profiled run of switchyard. */
  readonly phases?: Phases;
  /** Scenario 6: the automatic rollback of the first service's failing canary. */
  readonly autoRollback: VerdictTimed;
  /**
   * switchyard only, more than one service: scenario 2 for a release group,
   * every service in one group with lanes at a 25% canary, stopped by one
   * `switchyard rollback --group`.
   */
  readonly groupAbort?: Timed;
  /** switchyard only: what `rollback --group` said about its fast path (kept apart from `fastPath`, whose row counts steps 1, 2, 3 and 6). */
  readonly groupFastPath?: string;
  /** switchyard only: the same rollback with --no-fast-path (config edit, then `pulumi up`), the record's yardstick. */
  readonly recordedPathRollback?: Timed;
  /** switchyard only: services whose VirtualService changed again after the rollback was safe (the record should change nothing). */
  readonly recordChanged?: { readonly changed: number; readonly of: number };
  /** switchyard only: what each timed command said about its fast path ("taken", or why not). */
  readonly fastPath?: readonly string[];
}
