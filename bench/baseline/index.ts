import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

/**
 * The benchmark's baseline: the Kubernetes objects switchyard declares for a
 * stack of services, written as a plain Pulumi program. No components, no
 * config validation, no defaults: the config (see bench/stacks.ts) spells out
 * every field. Object for object, field for field and dependency for
 * dependency it matches the switchyard program (test/bench/baseline.test.ts
 * checks that), so timing the two measures what components and validation
 * cost.
 */

type Color = "blue" | "green";

interface Slot {
  version: string;
  env: Record<string, string>;
}

interface Service {
  image: string;
  port: number;
  replicas: number;
  blue: Slot;
  green: Slot;
  live: Color;
  canary: number;
}

const COLORS: readonly Color[] = ["blue", "green"];
const OWNERSHIP = { "pulumi.com/patchForce": "true" };

const config = new pulumi.Config();
const namespaceName = config.require("namespace");
const services = config.requireObject<Record<string, Service>>("services");

const namespace = new k8s.core.v1.Namespace(`${namespaceName}-namespace`, {
  metadata: {
    name: namespaceName,
    labels: { "istio-injection": "enabled", "app.kubernetes.io/part-of": "switchyard" },
    annotations: OWNERSHIP,
  },
});
const ns = namespace.metadata.name;

function hash(data: Record<string, string>): string {
  const canonical = JSON.stringify(Object.keys(data).sort().map((key) => [key, data[key]]));
  return createHash("sha256").update(canonical).digest("hex").slice(0, 10);
}

function probe(path: string, periodSeconds: number) {
  return { httpGet: { path, port: "http" }, initialDelaySeconds: 10, periodSeconds, timeoutSeconds: 1, failureThreshold: 3 };
}

function declareColor(name: string, service: Service, color: Color, dependsOn: pulumi.Resource[]): k8s.apps.v1.Deployment {
  const slot = service[color];
  const colorName = `${name}-${color}`;
  const selector = { "app.kubernetes.io/name": name, "switchyard.dev/color": color };
  const configMapName = `${colorName}-${hash(slot.env)}`;
  const image = `${service.image}:${slot.version}`;
  const replicas = service.replicas;
  const versionAnnotations = {
    "switchyard.dev/version": slot.version,
    "switchyard.dev/image": image,
    "kubernetes.io/change-cause": `${name} ${slot.version}`,
  };
  const configMap = new k8s.core.v1.ConfigMap(
    `${colorName}-config-${hash(slot.env)}`,
    { metadata: { name: configMapName, namespace: ns, labels: selector, annotations: OWNERSHIP }, immutable: true, data: slot.env },
  );
  const deployment = new k8s.apps.v1.Deployment(
    colorName,
    {
      metadata: { name: colorName, namespace: ns, labels: selector, annotations: { ...OWNERSHIP, ...versionAnnotations } },
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: 600,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
        template: {
          metadata: {
            labels: {
              ...selector,
              "app.kubernetes.io/version": slot.version,
              "app.kubernetes.io/part-of": "switchyard",
              app: name,
              version: slot.version,
            },
            annotations: versionAnnotations,
          },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name,
                image,
                imagePullPolicy: "IfNotPresent",
                ports: [{ name: "http", containerPort: service.port, protocol: "TCP" }],
                envFrom: [{ configMapRef: { name: configMapName } }],
                env: [
                  { name: "SWITCHYARD_SERVICE", value: name },
                  { name: "SWITCHYARD_COLOR", value: color },
                  { name: "SWITCHYARD_VERSION", value: slot.version },
                ],
                readinessProbe: probe("/readyz", 5),
                livenessProbe: probe("/healthz", 10),
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    },
    { dependsOn: [configMap, ...dependsOn] },
  );
  if (replicas > 1) {
    new k8s.policy.v1.PodDisruptionBudget(
      `${colorName}-pdb`,
      {
        metadata: { name: colorName, namespace: ns, labels: selector, annotations: OWNERSHIP },
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      },
      { dependsOn: [deployment] },
    );
  }
  return deployment;
}

/**
 * As in switchyard: the VirtualService waits for the Deployments it sends
 * weighted traffic to, and the Deployment of a color with no weighted
 * traffic waits for the VirtualService.
 */
function declareService(name: string, service: Service): void {
  const other: Color = service.live === "blue" ? "green" : "blue";
  const weights = { [service.live]: 100 - service.canary, [other]: service.canary } as Record<Color, number>;
  const labels = { "app.kubernetes.io/name": name };
  const svc = new k8s.core.v1.Service(`${name}-service`, {
    metadata: { name, namespace: ns, labels, annotations: { ...OWNERSHIP, "pulumi.com/skipAwait": "true" } },
    spec: { selector: labels, ports: [{ name: "http", port: service.port, targetPort: "http", protocol: "TCP" }] },
  });
  const serving = COLORS.filter((color) => weights[color] > 0).map((color) => declareColor(name, service, color, []));
  const metadata = { name, namespace: ns, labels, annotations: OWNERSHIP };
  const host = ns.apply((namespaceValue) => `${name}.${namespaceValue}.svc.cluster.local`);
  const destination = (color: Color) => ({ host, subset: color, port: { number: service.port } });
  const destinationRule = new k8s.apiextensions.CustomResource(
    `${name}-destinationrule`,
    {
      apiVersion: "networking.istio.io/v1",
      kind: "DestinationRule",
      metadata,
      spec: { host, subsets: COLORS.map((color) => ({ name: color, labels: { ...labels, "switchyard.dev/color": color } })) },
    },
    { dependsOn: [svc] },
  );
  const virtualService = new k8s.apiextensions.CustomResource(
    `${name}-virtualservice`,
    {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      // As in switchyard: one field manager shared with the command's fast path (model/naming.ts ROUTE_ANNOTATIONS).
      metadata: { ...metadata, annotations: { ...OWNERSHIP, "pulumi.com/patchFieldManager": "switchyard" } },
      spec: {
        hosts: [host],
        http: [
          ...COLORS.map((color) => ({
            name: `${color}-by-header`,
            match: [{ name: color, headers: { "x-switchyard-color": { exact: color } } }],
            route: [{ destination: destination(color) }],
          })),
          { name: "weighted", route: COLORS.map((color) => ({ destination: destination(color), weight: weights[color] })) },
        ],
      },
    },
    { dependsOn: [svc, destinationRule, ...serving] },
  );
  for (const color of COLORS.filter((c) => weights[c] === 0)) declareColor(name, service, color, [virtualService]);
}

for (const [name, service] of Object.entries(services)) declareService(name, service);
