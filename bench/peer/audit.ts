/**
 * API writes, counted from the API server's audit log (bench/peer/audit-policy.yaml
 * logs every write request at Metadata level, one JSON event a line). The
 * user agent says who wrote: the tool itself, or the cluster's controllers
 * and KWOK's simulated kubelet acting on what the tool wrote.
 */

export interface AuditEvent {
  readonly verb: string;
  readonly requestURI?: string;
  readonly userAgent?: string;
  readonly requestReceivedTimestamp: string;
  readonly objectRef?: { readonly resource?: string; readonly subresource?: string; readonly namespace?: string; readonly name?: string };
  readonly responseStatus?: { readonly code?: number };
}

export const WRITE_VERBS: readonly string[] = ["create", "update", "patch", "delete", "deletecollection"];

/** A write request that changes the object: a dry run (the provider's preview diffs with one) stores nothing. */
export function isWrite(event: AuditEvent): boolean {
  return WRITE_VERBS.includes(event.verb) && !/[?&]dryRun=/.test(event.requestURI ?? "");
}

export type Actor = "pulumi" | "switchyard-cli" | "argo-controller" | "argo-plugin" | "kubectl" | "kube-controller-manager" | "kube-scheduler" | "kwok" | "other";

/** The tool's own writes, as opposed to the cluster acting on them. */
export const TOOL_ACTORS: readonly Actor[] = ["pulumi", "switchyard-cli", "argo-controller", "argo-plugin"];

/** Who made a request, from its user agent (`<program>/<version> (<os>/<arch>) ...`). */
export function actorOf(userAgent: string | undefined): Actor {
  const program = (userAgent ?? "").split("/")[0]!.toLowerCase();
  if (program.includes("pulumi")) return "pulumi";
  // The switchyard command's fast path writes with plain HTTPS and names itself (cli/kube/api.ts).
  if (program === "switchyard") return "switchyard-cli";
  if (program === "rollouts-controller") return "argo-controller";
  if (program === "kubectl-argo-rollouts") return "argo-plugin";
  if (program === "kubectl") return "kubectl";
  if (program === "kube-controller-manager") return "kube-controller-manager";
  if (program === "kube-scheduler") return "kube-scheduler";
  if (program.startsWith("kwok")) return "kwok";
  return "other";
}

/** Parses the audit log; lines that are not complete events (a line being written) are skipped. */
export function parseAuditLog(text: string): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      events.push(JSON.parse(line) as AuditEvent);
    } catch {
      // the last line may still be being written
    }
  }
  return events;
}

export interface WriteCount {
  readonly total: number;
  /** Writes by the tool itself (TOOL_ACTORS). */
  readonly byTool: number;
  /** Of the total, Event objects (records for humans, not state). */
  readonly events: number;
  readonly byActor: Readonly<Partial<Record<Actor, number>>>;
}

/** Writes to one namespace received in [fromMs, toMs] (wall-clock milliseconds). */
export function countWrites(events: readonly AuditEvent[], namespace: string, fromMs: number, toMs: number): WriteCount {
  const byActor: Partial<Record<Actor, number>> = {};
  let total = 0;
  let byTool = 0;
  let eventObjects = 0;
  for (const event of events) {
    if (!isWrite(event) || event.objectRef?.namespace !== namespace) continue;
    const at = Date.parse(event.requestReceivedTimestamp);
    if (at < fromMs || at > toMs) continue;
    const actor = actorOf(event.userAgent);
    byActor[actor] = (byActor[actor] ?? 0) + 1;
    total++;
    if (TOOL_ACTORS.includes(actor)) byTool++;
    if (event.objectRef?.resource === "events") eventObjects++;
  }
  return { total, byTool, events: eventObjects, byActor };
}

/** Times (wall-clock ms) of an actor's writes to the namespace in [fromMs, toMs], in order. */
export function writeTimes(events: readonly AuditEvent[], namespace: string, actor: Actor, fromMs: number, toMs: number): number[] {
  return events
    .filter((e) => isWrite(e) && e.objectRef?.namespace === namespace && actorOf(e.userAgent) === actor)
    .map((e) => Date.parse(e.requestReceivedTimestamp))
    .filter((at) => at >= fromMs && at <= toMs)
    .sort((a, b) => a - b);
}
