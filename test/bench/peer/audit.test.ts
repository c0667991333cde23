import { describe, expect, it } from "vitest";
import { actorOf, countWrites, parseAuditLog, writeTimes, type AuditEvent } from "../../../bench/peer/audit";

const event = (verb: string, userAgent: string, at: string, resource = "virtualservices", namespace = "ns", requestURI = "/apis/x"): AuditEvent => ({
  verb,
  userAgent,
  requestReceivedTimestamp: at,
  requestURI,
  objectRef: { resource, namespace },
});

const PULUMI = "pulumi-kubernetes/4.25.0 (linux/amd64) client-go/v0.33.3";
const ARGO = "rollouts-controller/v1.8.3 (linux/amd64) argo-rollouts/49fa151";
const KCM = "kube-controller-manager/v0.0.0 (linux/amd64) kubernetes/$Format/system:serviceaccount:kube-system:replicaset-controller";

describe("actorOf", () => {
  it("names who wrote from the user agent's program", () => {
    expect(actorOf(PULUMI)).toBe("pulumi");
    expect(actorOf(ARGO)).toBe("argo-controller");
    expect(actorOf("kubectl-argo-rollouts/v1.8.3 (linux/amd64)")).toBe("argo-plugin");
    expect(actorOf("kubectl/v0.0.0 (linux/amd64) kubernetes/$Format")).toBe("kubectl");
    expect(actorOf(KCM)).toBe("kube-controller-manager");
    expect(actorOf("kwok-controller/v0.8.0 (linux/amd64)")).toBe("kwok");
    expect(actorOf("switchyard")).toBe("switchyard-cli");
    expect(actorOf(undefined)).toBe("other");
  });
});

describe("parseAuditLog", () => {
  it("reads one event a line and skips a line still being written", () => {
    const text = `${JSON.stringify(event("patch", PULUMI, "2026-01-01T00:00:01.000001Z"))}\n{"verb":"pat`;
    expect(parseAuditLog(text)).toHaveLength(1);
  });
});

describe("countWrites", () => {
  const events = [
    event("patch", PULUMI, "2026-01-01T00:00:01.000001Z"),
    event("patch", PULUMI, "2026-01-01T00:00:01.500000Z", "virtualservices", "ns", "/apis/x?dryRun=All&force=true"),
    event("get", PULUMI, "2026-01-01T00:00:01.600000Z"),
    event("update", KCM, "2026-01-01T00:00:02.000000Z", "replicasets"),
    event("create", KCM, "2026-01-01T00:00:02.100000Z", "events"),
    event("patch", ARGO, "2026-01-01T00:00:02.200000Z", "virtualservices", "other-ns"),
    event("patch", PULUMI, "2026-01-01T00:00:09.000000Z"),
  ];
  const from = Date.parse("2026-01-01T00:00:00Z");
  const to = Date.parse("2026-01-01T00:00:05Z");

  it("counts the writes to the namespace in the window, by the tool and in all; dry runs and reads are not writes", () => {
    expect(countWrites(events, "ns", from, to)).toEqual({ total: 3, byTool: 1, events: 1, byActor: { pulumi: 1, "kube-controller-manager": 2 } });
  });

  it("lists an actor's write times in order", () => {
    expect(writeTimes(events, "ns", "pulumi", from, Date.parse("2026-01-01T00:00:10Z"))).toEqual([
      Date.parse("2026-01-01T00:00:01.000Z"),
      Date.parse("2026-01-01T00:00:09.000Z"),
    ]);
  });
});
