import { beforeEach, describe, expect, it } from "vitest";
import { recordRegistrations, type Recorder } from "../helpers/mocks";
import { checkout } from "../helpers/fixtures";
import { BlueGreenService } from "../../resources/blueGreenService";
import type { ServiceConfig } from "../../model/config/settings";
import { planService } from "../../model/plan";
import { routingInput } from "../../model/routing/input";
import { routeObject } from "../../model/routing/routeObject";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CONFIGMAP = "kubernetes:core/v1:ConfigMap";
const SERVICE = "kubernetes:core/v1:Service";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const VIRTUAL_SERVICE = "kubernetes:networking.istio.io/v1:VirtualService";
const DESTINATION_RULE = "kubernetes:networking.istio.io/v1:DestinationRule";

let recorder: Recorder;
beforeEach(() => {
  recorder = recordRegistrations();
});

/** The ConfigMap a color's pods read now; its logical name carries its content hash, `<svc>-<color>-config-<hash>`. */
const currentConfigMap = (r: Recorder, color: string) => {
  const name = r.byName(DEPLOYMENT, `checkout-${color}`).inputs.spec.template.spec.containers[0].envFrom[0].configMapRef.name;
  return r.ofType(CONFIGMAP).find((x) => x.inputs.metadata.name === name)!;
};

async function deploy(service: ServiceConfig): Promise<Recorder> {
  new BlueGreenService(service.name, { service, namespace: "shop" });
  await recorder.settle();
  return recorder;
}

const weightsOf = (r: Recorder) =>
  Object.fromEntries(
    r.byName(VIRTUAL_SERVICE, "checkout-virtualservice").inputs.spec.http.at(-1).route.map((d: any) => [d.destination.subset, d.weight]),
  );

describe("what one service becomes", () => {
  it("registers a Deployment, ConfigMap and PDB per color, one Service and the Istio routing, under one component", async () => {
    const r = await deploy(checkout());
    // A ConfigMap's logical name ends in its content hash: only the prefix is fixed.
    const summary = r.registrations.map((x) => `${x.type} ${x.name.replace(/-config-[0-9a-f]{10}$/, "-config-<hash>")}`).sort();
    expect(summary).toEqual(
      [
        "switchyard:service:BlueGreenService checkout",
        `${DEPLOYMENT} checkout-blue`,
        `${DEPLOYMENT} checkout-green`,
        `${CONFIGMAP} checkout-blue-config-<hash>`,
        `${CONFIGMAP} checkout-green-config-<hash>`,
        `${PDB} checkout-blue-pdb`,
        `${PDB} checkout-green-pdb`,
        `${SERVICE} checkout-service`,
        `${DESTINATION_RULE} checkout-destinationrule`,
        `${VIRTUAL_SERVICE} checkout-virtualservice`,
      ].sort(),
    );
  });

  it("parents every object to the service's component", async () => {
    const r = await deploy(checkout());
    const service = r.byName("switchyard:service:BlueGreenService", "checkout").urn;
    for (const object of r.registrations.filter((x) => x.type.startsWith("kubernetes:"))) {
      expect(object.parent, `${object.type} ${object.name}`).toBe(service);
    }
  });

  it("keeps the URNs of stacks deployed when colors and routing were components of their own, through aliases to those parents", async () => {
    const r = await deploy(checkout());
    const former = (type: string, name: string) => `urn:pulumi:test::switchyard::switchyard:service:BlueGreenService$${type}::${name}`;
    const blue = former("switchyard:service:ColorRelease", "checkout-blue");
    expect(r.byName(DEPLOYMENT, "checkout-blue").aliasParents).toContain(blue);
    expect(currentConfigMap(r, "blue").aliasParents).toContain(blue);
    expect(currentConfigMap(r, "blue").aliasNames).toContain("checkout-blue-config");
    expect(r.byName(PDB, "checkout-blue-pdb").aliasParents).toContain(blue);
    const routing = former("switchyard:mesh:IstioRouting", "checkout-routing");
    expect(r.byName(VIRTUAL_SERVICE, "checkout-virtualservice").aliasParents).toContain(routing);
    expect(r.byName(DESTINATION_RULE, "checkout-destinationrule").aliasParents).toContain(routing);
  });

  it("labels and selectors agree between Deployments, DestinationRule subsets and the Service", async () => {
    const r = await deploy(checkout());
    const subsets = r.byName(DESTINATION_RULE, "checkout-destinationrule").inputs.spec.subsets;
    const serviceSelector = r.byName(SERVICE, "checkout-service").inputs.spec.selector;
    for (const color of ["blue", "green"]) {
      const spec = r.byName(DEPLOYMENT, `checkout-${color}`).inputs.spec;
      const subset = subsets.find((s: any) => s.name === color);
      expect(subset.labels).toEqual(spec.selector.matchLabels);
      expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
      expect(spec.template.metadata.labels).toMatchObject(serviceSelector);
      const pdb = r.byName(PDB, `checkout-${color}-pdb`).inputs.spec;
      expect(pdb.selector.matchLabels).toEqual(spec.selector.matchLabels);
    }
    expect(subsets[0].labels).not.toEqual(subsets[1].labels);
  });

  it("takes ownership of every object it manages, so up repairs kubectl edits instead of stopping on a field conflict", async () => {
    const r = await deploy(checkout());
    const kubernetesObjects = r.registrations.filter((x) => x.type.startsWith("kubernetes:"));
    expect(kubernetesObjects.length).toBe(9);
    for (const object of kubernetesObjects) {
      expect(object.inputs.metadata.annotations?.["pulumi.com/patchForce"], `${object.type} ${object.name}`).toBe("true");
    }
  });

  it("does not wait on the Service, whose pods span both colors, but on each Deployment it routes to", async () => {
    const r = await deploy(checkout());
    expect(r.byName(SERVICE, "checkout-service").inputs.metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
    for (const object of r.registrations.filter((x) => x.type.startsWith("kubernetes:") && x.type !== SERVICE)) {
      expect(object.inputs.metadata.annotations?.["pulumi.com/skipAwait"], `${object.type} ${object.name}`).toBeUndefined();
    }
  });

  it("names Kubernetes objects by service and color", async () => {
    const r = await deploy(checkout());
    expect(r.byName(DEPLOYMENT, "checkout-blue").inputs.metadata).toMatchObject({ name: "checkout-blue", namespace: "shop" });
    expect(r.byName(SERVICE, "checkout-service").inputs.metadata.name).toBe("checkout");
    expect(r.byName(VIRTUAL_SERVICE, "checkout-virtualservice").inputs.metadata.name).toBe("checkout");
    expect(currentConfigMap(r, "blue").inputs.metadata.name).toMatch(/^checkout-blue-[0-9a-f]{10}$/);
  });
});

describe("each container is probed, bounded and locked down", () => {
  it("has readiness /readyz (10 s delay, 5 s period) and liveness /healthz (3 failures)", async () => {
    const r = await deploy(checkout());
    const container = r.byName(DEPLOYMENT, "checkout-blue").inputs.spec.template.spec.containers[0];
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: "/readyz", port: "http" }, initialDelaySeconds: 10, periodSeconds: 5 });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: "/healthz", port: "http" }, failureThreshold: 3 });
  });

  it("takes probe paths and timings from config", async () => {
    const r = await deploy(checkout((s) => (s.probes = { readiness: { path: "/ready", initialDelaySeconds: 2 }, liveness: { failureThreshold: 5 } })));
    const container = r.byName(DEPLOYMENT, "checkout-green").inputs.spec.template.spec.containers[0];
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: "/ready" }, initialDelaySeconds: 2, periodSeconds: 5 });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: "/healthz" }, failureThreshold: 5 });
  });

  it("keeps revisionHistoryLimit (default 5) so rollout undo works", async () => {
    const r = await deploy(checkout());
    expect(r.byName(DEPLOYMENT, "checkout-blue").inputs.spec.revisionHistoryLimit).toBe(5);
    recorder = recordRegistrations();
    const r2 = await deploy(checkout((s) => (s.revisionHistoryLimit = 12)));
    expect(r2.byName(DEPLOYMENT, "checkout-green").inputs.spec.revisionHistoryLimit).toBe(12);
  });

  it("runs non-root, read-only, without privilege escalation or capabilities, with RuntimeDefault seccomp", async () => {
    const r = await deploy(checkout());
    const pod = r.byName(DEPLOYMENT, "checkout-blue").inputs.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } });
  });

  it("rolls a color without ever dropping below its ready replicas", async () => {
    const r = await deploy(checkout());
    expect(r.byName(DEPLOYMENT, "checkout-blue").inputs.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it("carries version, image, commit and change note on the Deployment and its pods (V4)", async () => {
    const r = await deploy(checkout((s) => Object.assign(s.green, { commit: "0f3c2e1", note: "new cart" })));
    const deployment = r.byName(DEPLOYMENT, "checkout-green").inputs;
    const expected = {
      "switchyard.dev/version": "1.5.0",
      "switchyard.dev/image": "registry.example.com/shop/checkout:1.5.0",
      "switchyard.dev/git-commit": "0f3c2e1",
      "switchyard.dev/change-note": "new cart",
      "kubernetes.io/change-cause": "checkout 1.5.0 | 0f3c2e1 | new cart",
    };
    expect(deployment.metadata.annotations).toEqual({ ...expected, "pulumi.com/patchForce": "true" });
    expect(deployment.spec.template.metadata.annotations).toEqual(expected);
    expect(deployment.spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("1.5.0");
  });
});

describe("config is bound to its color's version (B4)", () => {
  it("each color's pods read only that color's immutable ConfigMap", async () => {
    const r = await deploy(checkout());
    for (const color of ["blue", "green"]) {
      const configMap = currentConfigMap(r, color).inputs;
      expect(configMap.immutable).toBe(true);
      const container = r.byName(DEPLOYMENT, `checkout-${color}`).inputs.spec.template.spec.containers[0];
      expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    }
    expect(currentConfigMap(r, "blue").inputs.data).toEqual({ FEATURE_NEW_CART: "false" });
    expect(currentConfigMap(r, "green").inputs.data).toEqual({ FEATURE_NEW_CART: "true" });
    expect(r.ofType(CONFIGMAP)).toHaveLength(2);
  });

  it("the ConfigMap name changes when and only when its content changes", async () => {
    const nameOf = async (service: ServiceConfig, color: string) => {
      recorder = recordRegistrations();
      return currentConfigMap(await deploy(service), color).inputs.metadata.name;
    };
    const base = await nameOf(checkout(), "green");
    expect(await nameOf(checkout((s) => (s.green.env.FEATURE_NEW_CART = "false")), "green")).not.toBe(base);
    expect(await nameOf(checkout((s) => (s.green.version = "1.5.1")), "green")).toBe(base);
    expect(await nameOf(checkout((s) => Object.assign(s, { live: "green", canary: 30 })), "green")).toBe(base);
  });
});

describe("traffic", () => {
  it.each([
    ["blue", 0, { blue: 100, green: 0 }],
    ["blue", 5, { blue: 95, green: 5 }],
    ["blue", 50, { blue: 50, green: 50 }],
    ["green", 0, { blue: 0, green: 100 }],
    ["green", 25, { blue: 25, green: 75 }],
    ["blue", 100, { blue: 0, green: 100 }],
  ])("live %s with canary %i routes %j", async (live, canary, weights) => {
    const r = await deploy(checkout((s) => Object.assign(s, { live, canary })));
    expect(weightsOf(r)).toEqual(weights);
  });

  it("a header route reaches each color directly for smoke tests", async () => {
    const r = await deploy(checkout());
    const routes = r.byName(VIRTUAL_SERVICE, "checkout-virtualservice").inputs.spec.http;
    for (const color of ["blue", "green"]) {
      const route = routes.find((h: any) => h.name === `${color}-by-header`);
      expect(route.match[0].headers["x-switchyard-color"]).toEqual({ exact: color });
      expect(route.route).toEqual([{ destination: { host: "checkout.shop.svc.cluster.local", subset: color, port: { number: 8080 } } }]);
    }
    expect(routes.at(-1).name).toBe("weighted");
  });

  it("with only blue deployed, routes and subsets name blue alone", async () => {
    const r = await deploy(checkout((s) => delete s.green));
    expect(weightsOf(r)).toEqual({ blue: 100 });
    expect(r.ofType(DEPLOYMENT).map((d) => d.name)).toEqual(["checkout-blue"]);
    expect(r.byName(DESTINATION_RULE, "checkout-destinationrule").inputs.spec.subsets.map((s: any) => s.name)).toEqual(["blue"]);
  });
});

describe("safety ordering", () => {
  const deploymentUrn = (r: Recorder, color: string) => r.byName(DEPLOYMENT, `checkout-${color}`).urn;
  const virtualService = (r: Recorder) => r.byName(VIRTUAL_SERVICE, "checkout-virtualservice");

  it("during a canary the VirtualService waits for both Deployments", async () => {
    const r = await deploy(checkout((s) => (s.canary = 5)));
    expect(virtualService(r).dependencies).toEqual(expect.arrayContaining([deploymentUrn(r, "blue"), deploymentUrn(r, "green")]));
  });

  it.each(["blue", "green"])("with %s live and no canary, the VirtualService waits for it and the idle color waits for the VirtualService", async (live) => {
    const idle = live === "blue" ? "green" : "blue";
    const r = await deploy(checkout((s) => Object.assign(s, { live, canary: 0, idleReplicas: 1 })));
    expect(virtualService(r).dependencies).toContain(deploymentUrn(r, live));
    expect(virtualService(r).dependencies).not.toContain(deploymentUrn(r, idle));
    expect(r.byName(DEPLOYMENT, `checkout-${idle}`).dependencies).toContain(virtualService(r).urn);
    expect(r.byName(DEPLOYMENT, `checkout-${live}`).dependencies).not.toContain(virtualService(r).urn);
  });

  it("an idle color scales to idleReplicas; the live color keeps replicas; a single pod gets no PDB", async () => {
    const r = await deploy(checkout((s) => Object.assign(s, { idleReplicas: 1 })));
    expect(r.byName(DEPLOYMENT, "checkout-blue").inputs.spec.replicas).toBe(3);
    expect(r.byName(DEPLOYMENT, "checkout-green").inputs.spec.replicas).toBe(1);
    expect(r.ofType(PDB).map((p) => p.name)).toEqual(["checkout-blue-pdb"]);
  });

  it("the canary color runs full replicas, not idleReplicas", async () => {
    const r = await deploy(checkout((s) => Object.assign(s, { idleReplicas: 1, canary: 5 })));
    expect(r.byName(DEPLOYMENT, "checkout-green").inputs.spec.replicas).toBe(3);
  });
});

describe("promoting or rolling back changes only traffic", () => {
  const snapshot = async (mutate: (s: Record<string, any>) => void) => {
    recorder = recordRegistrations();
    const r = await deploy(checkout(mutate));
    return Object.fromEntries(r.registrations.map((x) => [`${x.type}::${x.name}`, x.inputs]));
  };

  it.each([
    ["canary 5", { canary: 5 }],
    ["canary 50", { canary: 50 }],
    ["promote green", { live: "green", canary: 0 }],
  ])("%s changes no Deployment or ConfigMap input and no resource name", async (_, change) => {
    const before = await snapshot(() => {});
    const after = await snapshot((s) => Object.assign(s, change));
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const key of Object.keys(before).filter((k) => k.includes("Deployment") || k.includes("ConfigMap"))) {
      expect(after[key], key).toEqual(before[key]);
    }
    expect(after[`${VIRTUAL_SERVICE}::checkout-virtualservice`]).not.toEqual(before[`${VIRTUAL_SERVICE}::checkout-virtualservice`]);
  });
});

describe("status output", () => {
  it("reports live color, canary, weights, versions, images, replicas, router and mirror", async () => {
    const component = new BlueGreenService("checkout", { service: checkout((s) => (s.canary = 5)), namespace: "shop" });
    await recorder.settle();
    expect(component.status).toEqual({
      live: "blue",
      canary: 5,
      weights: { blue: 95, green: 5 },
      versions: { blue: "1.4.2", green: "1.5.0" },
      images: { blue: "registry.example.com/shop/checkout:1.4.2", green: "registry.example.com/shop/checkout:1.5.0" },
      replicas: { blue: 3, green: 3 },
      router: "istio",
      mirror: 0,
    });
  });
});

describe("the VirtualService the command's fast path applies is the one the program registers", () => {
  it.each([
    ["blue live", { live: "blue", canary: 0 }],
    ["green live with a 25% canary", { live: "green", canary: 25 }],
    ["a member of a group with lanes, at a 25% canary", { live: "blue", canary: 25, group: { name: "cart", lanes: true } }],
  ] as const)("%s: every field, metadata included, equals routeObject", async (_label, traffic) => {
    const service = { ...checkout(), ...traffic };
    const r = await deploy(service);
    const registered = r.byName(VIRTUAL_SERVICE, "checkout-virtualservice").inputs;
    expect(registered).toEqual(routeObject(routingInput(planService(service), "shop")));
    // The shared field manager, so the provider and the fast path own the same fields (a pulumi-kubernetes-<hex> default would not).
    expect(registered.metadata.annotations["pulumi.com/patchFieldManager"]).toBe("switchyard");
  });
});
