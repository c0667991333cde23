import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploymentUids, getJson, kubectlIn, Watch } from "./helpers/cluster";
import { TestProject } from "./helpers/project";

const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

/**
 * Issue 18 on the local cluster, through the real CLI, one stack in
 * sequence: checkout routed by a Gateway API HTTPRoute (validated by the API
 * server against the CRDs of sigs.k8s.io/gateway-api), catalog by Istio
 * until it is switched over at the end.
 */
describe("the Gateway API router", () => {
  let project: TestProject;
  let ns: string;
  const stackFile = () => fs.readFileSync(project.file("Pulumi.dev.yaml"), "utf8");
  const httpRoute = (service = "checkout") => getJson(ns, "httproute", service);
  const rule = (name: string, service = "checkout") => httpRoute(service).spec.rules.find((candidate: any) => candidate.name === name);
  /** The weighted rule's weights by backend Service. */
  const routeWeights = () => Object.fromEntries(rule("weighted").backendRefs.map((ref: any) => [ref.name, ref.weight]));
  const switchyard = async (...args: string[]) => {
    const result = await project.switchyard(args);
    expect(result.status, `${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return { ...result, output: result.stdout + result.stderr };
  };

  beforeAll(async () => {
    project = new TestProject("cluster");
    ns = project.namespace;
  });
  afterAll(async () => {
    await project?.remove();
  });

  it("bad routing input is refused before anything reaches the cluster, each problem naming its key", async () => {
    const before = stackFile();
    project.configSet("defaults.router", "gateway-api");
    project.configSet("services.checkout.router", "nginx");
    project.configSet("services.checkout.mirror", 150);
    project.configSet("services.catalog.mirror", 10);
    project.configSet("services.checkout.match[0].exact", "beta");
    const preview = await project.pulumi(["preview"], { allowFailure: true });
    const output = preview.stdout + preview.stderr;
    expect(preview.status).not.toBe(0);
    expect(output).toContain('services.checkout.router: got "nginx"; allowed: istio');
    expect(output).toContain("services.catalog.parentRefs: got nothing (the key is missing); allowed: at least one Gateway");
    expect(output).toContain("defaults.router is gateway-api");
    expect(output).toContain("services.checkout.mirror: got 150; allowed: a percentage of live requests, an integer from 0 to 100");
    expect(output).toContain("services.catalog.mirror: got 10; allowed: 0 while services.catalog.green is not defined");
    expect(output).toContain('services.checkout.match.0: got {"exact":"beta"}; allowed: a condition with exactly one of header or cookie');
    fs.writeFileSync(project.file("Pulumi.dev.yaml"), before);
    expect(getJson(ns, "deployments").items).toEqual([]);
  });

  it("first deploy: an HTTPRoute on the configured Gateway and a Service per color; the other service stays on Istio", async () => {
    project.configSet("defaults.parentRefs[0].name", "shop-gateway");
    project.configSet("defaults.parentRefs[0].sectionName", "http");
    project.configSet("services.checkout.router", "gateway-api");
    await project.up();

    const route = httpRoute();
    expect(route.spec.parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "shop-gateway", sectionName: "http" }]);
    expect(routeWeights()).toEqual({ "checkout-blue": 100, "checkout-green": 0 });
    expect(rule("green-by-header").matches[0].headers).toEqual([{ type: "Exact", name: "x-switchyard-color", value: "green" }]);
    for (const color of ["blue", "green"]) {
      const selector = getJson(ns, "service", `checkout-${color}`).spec.selector;
      expect(selector).toEqual(getJson(ns, "deployment", `checkout-${color}`).spec.selector.matchLabels);
    }
    expect(kubectlIn(ns, "get", "virtualservices", "-o", "name").trim()).toBe("virtualservice.networking.istio.io/catalog");

    const status = await switchyard("status");
    expect(status.stdout).toMatch(/^checkout\s+blue\s+gateway-api\s+1\.4\.2 100% 2\/2 ready\s+1\.5\.0 0% 2\/2 ready$/m);
    expect(status.stdout).toMatch(/^catalog\s+blue\s+istio\s+2\.0\.1 100%/m);
  });

  it("deploy to green, canary 5 and 50, promote and roll back: only the HTTPRoute changes, no Deployment is replaced", async () => {
    const uids = deploymentUids(ns);
    const routeUid = httpRoute().metadata.uid;
    await switchyard("deploy", "checkout", "1.6.0", "--schema", ">=13 <15", "--yes");
    expect(getJson(ns, "deployment", "checkout-green").spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("1.6.0");
    expect(routeWeights()).toEqual({ "checkout-blue": 100, "checkout-green": 0 });

    // A weight-only move takes the fast path: the HTTPRoute is applied on the API server first, then recorded.
    const canary = await switchyard("canary", "checkout", "5", "--yes");
    expect(canary.output).toMatch(/checkout: 95% blue, 5% green at \+\d+\.\d\d s \(HTTPRoute \S+\/checkout\)/);
    expect(routeWeights()).toEqual({ "checkout-blue": 95, "checkout-green": 5 });
    await switchyard("canary", "checkout", "50", "--yes");
    expect(routeWeights()).toEqual({ "checkout-blue": 50, "checkout-green": 50 });
    await switchyard("promote", "checkout", "--yes");
    expect(routeWeights()).toEqual({ "checkout-blue": 0, "checkout-green": 100 });

    const preview = await switchyard("rollback", "checkout", "--dry-run");
    expect(preview.output).toContain("checkout: blue 0 -> 100, green 100 -> 0");
    expect(preview.output).toMatch(/preview:\n\s+update HTTPRoute checkout-httproute\n/);
    await switchyard("rollback", "checkout", "--yes");
    expect(routeWeights()).toEqual({ "checkout-blue": 100, "checkout-green": 0 });
    expect(deploymentUids(ns)).toEqual(uids);
    expect(httpRoute().metadata.uid).toBe(routeUid);
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
  });

  it("mirror on and off: a RequestMirror filter to the idle color, refused while a canary runs", async () => {
    const mirror = await switchyard("mirror", "checkout", "10", "--yes");
    expect(mirror.output).toContain("checkout: mirrored to the idle color 0% -> 10%");
    expect(rule("weighted").filters).toEqual([
      { type: "RequestMirror", requestMirror: { backendRef: { group: "", kind: "Service", name: "checkout-green", port: 8080 }, percent: 10 } },
    ]);
    expect(routeWeights()).toEqual({ "checkout-blue": 100, "checkout-green": 0 });
    expect((await switchyard("status")).stdout).toMatch(/^checkout .* 1\.6\.0 0% \+10% mirrored 2\/2 ready$/m);

    const before = stackFile();
    const canary = await project.switchyard(["canary", "checkout", "5", "--yes"]);
    expect(canary.status).toBe(2);
    expect(canary.stderr).toContain('services.checkout.mirror: got 10; allowed: 0 while a canary is running (services.checkout.canary is 5): the rule "mirror only to an idle color"');
    expect(stackFile()).toBe(before);

    await switchyard("mirror", "checkout", "0", "--yes");
    expect(rule("weighted").filters).toBeUndefined();
  });

  it("an A/B match sends matching requests to the color that is not live", async () => {
    project.configSet("services.checkout.match[0].header", "x-user-group");
    project.configSet("services.checkout.match[0].exact", "beta");
    await project.up();
    expect(rule("ab-match")).toEqual({
      name: "ab-match",
      matches: [{ path: { type: "PathPrefix", value: "/" }, headers: [{ type: "Exact", name: "x-user-group", value: "beta" }] }],
      backendRefs: [{ group: "", kind: "Service", name: "checkout-green", port: 8080, weight: 100 }],
    });
    expect(routeWeights()).toEqual({ "checkout-blue": 100, "checkout-green": 0 });
    await project.pulumi(["config", "rm", "--path", "services.checkout.match"]);
    await project.up();
    expect(rule("ab-match")).toBeUndefined();
  });

  it("a release group with lanes: each weighted backend sets the lane header, and the API server keeps the filters the HTTPRoute CRD allows", async () => {
    project.configSet("groups.edge.services[0]", "checkout");
    project.configSet("groups.edge.lanes", "true");
    await project.up();
    const lane = (color: string) => [{ type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "x-switchyard-color", value: color }] } }];
    expect(rule("weighted").backendRefs.map((ref: any) => [ref.name, ref.filters])).toEqual([
      ["checkout-blue", lane("blue")],
      ["checkout-green", lane("green")],
    ]);
    expect(rule("green-by-header").backendRefs.map((ref: any) => ref.name)).toEqual(["checkout-green"]);
    await project.pulumi(["config", "rm", "--path", "groups"]);
    await project.up();
    expect(rule("weighted").backendRefs.every((ref: any) => ref.filters === undefined)).toBe(true);
  });

  it("switching catalog from istio to gateway-api creates the HTTPRoute before it deletes the VirtualService and DestinationRule, and keeps its Deployment", async () => {
    const uids = deploymentUids(ns);
    project.configSet("services.catalog.router", "gateway-api");
    const steps = (await project.previewSteps()).filter((step) => step.op !== "same" && step.urn.includes("catalog"));
    expect(steps.map((step) => `${step.op} ${step.type} ${step.urn.split("::").pop()}`).sort()).toEqual(
      [
        `create ${HTTP_ROUTE} catalog-httproute`,
        "create kubernetes:core/v1:Service catalog-blue-service",
        "delete kubernetes:networking.istio.io/v1:DestinationRule catalog-destinationrule",
        "delete kubernetes:networking.istio.io/v1:VirtualService catalog-virtualservice",
      ].sort(),
    );
    const routes = new Watch(ns, "httproutes", '{.metadata.name}{" "}{.metadata.uid}{"\\n"}');
    const virtualServices = new Watch(ns, "virtualservices", '{.metadata.name}{" "}{.metadata.deletionTimestamp}{"\\n"}');
    try {
      await project.up();
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      routes.stop();
      virtualServices.stop();
    }
    // The watch prints catalog's VirtualService once as it finds it and once more as it is deleted.
    const created = routes.lines.find((line) => line.text.startsWith("catalog "));
    const virtualServiceEvents = virtualServices.lines.filter((line) => line.text.startsWith("catalog "));
    expect(created).toBeDefined();
    expect(virtualServiceEvents).toHaveLength(2);
    expect(created!.at).toBeLessThan(virtualServiceEvents[1]!.at);
    expect(kubectlIn(ns, "get", "virtualservices,destinationrules", "-o", "name").trim()).toBe("");
    expect(Object.fromEntries(rule("weighted", "catalog").backendRefs.map((ref: any) => [ref.name, ref.weight]))).toEqual({ "catalog-blue": 100 });
    expect(deploymentUids(ns)).toEqual(uids);
  });
});
