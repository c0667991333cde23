import { describe, expect, it } from "vitest";
import { planService } from "../../../model/plan";
import { virtualServiceSpec } from "../../../model/routing/istioSpecs";
import { deploymentSpec } from "../../../resources/workload";
import {
  benchServiceConfigs,
  analysedCanarySteps,
  analysisTemplate,
  ANALYSIS_TEMPLATE,
  canarySteps,
  configMap,
  destinationRule,
  manifestStream,
  releaseObjects,
  rollout,
  routingObjects,
  virtualService,
} from "../../../bench/peer/argoManifests";

const [service] = benchServiceConfigs(1, "ns");

describe("Argo Rollouts manifests of the benchmark's services", () => {
  it("walk the issue's canary steps, pausing after each but the last", () => {
    expect(canarySteps()).toEqual([{ setWeight: 5 }, { pause: {} }, { setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }]);
  });

  it("judge the automatic rollback's canary with Argo's own analysis after 25%, pausing rather than promoting when it passes", () => {
    expect(analysedCanarySteps()).toEqual([{ setWeight: 25 }, { analysis: { templates: [{ templateName: ANALYSIS_TEMPLATE }] } }, { pause: {} }]);
    const manifest = rollout(service!, "ns", "green", analysedCanarySteps()) as any;
    expect(manifest.spec.strategy.canary.steps).toEqual(analysedCanarySteps());
    expect((rollout(service!, "ns", "green") as any).spec.strategy.canary.steps).toEqual(canarySteps());
  });

  it("fail the analysis on one measurement of the error-rate query above the threshold, through the Prometheus provider", () => {
    const template = analysisTemplate("ns", "http://127.0.0.1:9", "sum(x)", 0.005) as any;
    expect(template).toMatchObject({ kind: "AnalysisTemplate", metadata: { name: ANALYSIS_TEMPLATE, namespace: "ns" } });
    expect(template.spec.metrics).toEqual([
      { name: ANALYSIS_TEMPLATE, count: 1, failureLimit: 0, successCondition: "result[0] <= 0.005", provider: { prometheus: { address: "http://127.0.0.1:9", query: "sum(x)" } } },
    ]);
  });

  it("give the Rollout switchyard's replicas, history limit, deadline and probes", () => {
    const manifest = rollout(service!, "ns", "blue") as any;
    const switchyard = deploymentSpec(service!, planService(service!).colors[0]!, "image") as any;
    expect(manifest.spec.replicas).toBe(switchyard.replicas);
    expect(manifest.spec.revisionHistoryLimit).toBe(switchyard.revisionHistoryLimit);
    expect(manifest.spec.progressDeadlineSeconds).toBe(switchyard.progressDeadlineSeconds);
    const container = manifest.spec.template.spec.containers[0];
    expect(container.readinessProbe).toEqual(switchyard.template.spec.containers[0].readinessProbe);
    expect(container.readinessProbe.initialDelaySeconds).toBe(10);
    expect(container.livenessProbe).toEqual(switchyard.template.spec.containers[0].livenessProbe);
  });

  it("run one version per template, with no color, reading the service's one ConfigMap", () => {
    const blue = rollout(service!, "ns", "blue") as any;
    const green = rollout(service!, "ns", "green") as any;
    expect(blue.spec.template.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "svc-001", "app.kubernetes.io/version": "1.0.0" });
    expect(green.spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("1.1.0");
    expect(blue.spec.template.metadata.labels["switchyard.dev/color"]).toBeUndefined();
    expect(blue.spec.template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: "svc-001-config" } }]);
    expect(blue.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name)).not.toContain("SWITCHYARD_COLOR");
    expect(blue.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "svc-001" });
  });

  it("route through Istio subsets on the weighted route, with the rollback window on", () => {
    const canary = (rollout(service!, "ns", "blue") as any).spec;
    expect(canary.strategy.canary.trafficRouting.istio).toEqual({
      virtualService: { name: "svc-001", routes: ["weighted"] },
      destinationRule: { name: "svc-001", stableSubsetName: "stable", canarySubsetName: "canary" },
    });
    expect(canary.rollbackWindow).toEqual({ revisions: 2 });
  });

  it("keep one ConfigMap per service whose data is the version's env", () => {
    expect((configMap(service!, "ns", "blue") as any).data).toEqual({ LOG_LEVEL: "info", FEATURE_NEW_PATH: "false" });
    expect((configMap(service!, "ns", "green") as any).data).toEqual({ LOG_LEVEL: "info", FEATURE_NEW_PATH: "true" });
  });

  it("have switchyard's VirtualService routes, with roles for subsets", () => {
    const argo = (virtualService(service!, "ns") as any).spec;
    const switchyard = virtualServiceSpec({ service: "svc-001", namespace: "ns", port: 8080, colors: ["blue", "green"], weights: { blue: 100, green: 0 }, live: "blue", mirror: 0, match: [], router: "istio", parentRefs: [], lanes: false });
    const asRoles = JSON.parse(
      JSON.stringify(switchyard)
        .replaceAll('"blue', '"stable')
        .replaceAll('"green', '"canary')
        .replaceAll("x-switchyard-color", "x-argo-subset"),
    );
    expect(argo).toEqual(asRoles);
    expect((destinationRule(service!, "ns") as any).spec.subsets.map((s: { name: string }) => s.name)).toEqual(["stable", "canary"]);
  });

  it("split what is applied once from what a release applies", () => {
    const services = benchServiceConfigs(2, "ns");
    expect(routingObjects(services, "ns").map((m) => m.kind)).toEqual(["Service", "DestinationRule", "VirtualService", "Service", "DestinationRule", "VirtualService"]);
    expect(releaseObjects(services, "ns", "green").map((m) => m.kind)).toEqual(["ConfigMap", "Rollout", "ConfigMap", "Rollout"]);
    expect(manifestStream(releaseObjects(services, "ns", "green")).split("\n---\n")).toHaveLength(4);
  });
});
