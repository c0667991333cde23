import { beforeAll, describe, expect, it } from "vitest";
import { probes } from "../../policy/policies/probes";
import { byName, containerOf, copyOf, deploymentProps, inPreview, switchyardResources, TYPES, UNKNOWN_DURING_PREVIEW, type FixtureResource } from "./helpers/fixtures";
import { checkEachResource, checkResource } from "./helpers/runPolicy";

const CONTAINER = 'Deployment shop/checkout-green container "checkout"';
const RULE =
  "every container of a switchyard Deployment has a readiness probe (no traffic before it passes) and a liveness probe (restart when it hangs), and HTTP probes request the configured paths";

let program: FixtureResource[];
beforeAll(async () => {
  program = await switchyardResources();
});

const green = () => byName(copyOf(program), TYPES.deployment, "checkout-green");

describe("probes", () => {
  it("accepts switchyard's Deployments, probed on /readyz and /healthz", async () => {
    expect(containerOf(green()).readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(await checkEachResource(probes, program)).toEqual([]);
  });

  it("reports a container without a readiness probe", async () => {
    const deployment = green();
    delete containerOf(deployment).readinessProbe;
    expect(await checkResource(probes, deployment)).toEqual([
      { what: `${CONTAINER} has no readinessProbe`, rule: RULE, fix: "give the container an HTTP readinessProbe on /readyz" },
    ]);
  });

  it("reports a container without a liveness probe", async () => {
    const deployment = green();
    delete containerOf(deployment).livenessProbe;
    expect(await checkResource(probes, deployment)).toEqual([
      { what: `${CONTAINER} has no livenessProbe`, rule: RULE, fix: "give the container an HTTP livenessProbe on /healthz" },
    ]);
  });

  it("reports an HTTP probe on another path, naming the switchyard setting and the policy option", async () => {
    const deployment = green();
    containerOf(deployment).readinessProbe!.httpGet!.path = "/health";
    expect(await checkResource(probes, deployment)).toEqual([
      {
        what: `${CONTAINER} has a readinessProbe on "/health" instead of "/readyz"`,
        rule: RULE,
        fix: "point the probe at /readyz (switchyard: services.checkout.probes.readiness.path), or set the policy option readinessPath if your services serve it elsewhere",
      },
    ]);
  });

  it("follows the configured paths", async () => {
    const options = { readinessPath: "/ready", livenessPath: "/live" };
    const deployment = green();
    containerOf(deployment).readinessProbe!.httpGet!.path = "/ready";
    expect(await checkResource(probes, deployment, options)).toEqual([
      { what: `${CONTAINER} has a livenessProbe on "/healthz" instead of "/live"`, rule: RULE, fix: expect.stringContaining("point the probe at /live") },
    ]);
  });

  it("accepts probes that are not HTTP, which have no path", async () => {
    const deployment = green();
    containerOf(deployment).livenessProbe = { tcpSocket: { port: "http" }, periodSeconds: 10 };
    expect(await checkResource(probes, deployment)).toEqual([]);
  });

  it("checks every container of the pod, but not init containers, which Kubernetes never probes", async () => {
    const deployment = green();
    const podSpec = deploymentProps(deployment).spec!.template.spec!;
    podSpec.initContainers = [{ name: "migrate", image: "registry.example.com/shop/migrate:1.0.0" }];
    podSpec.containers.push({ name: "sidecar", image: "registry.example.com/shop/sidecar:1.0.0" });
    expect((await checkResource(probes, deployment)).map((v) => v.what)).toEqual([
      'Deployment shop/checkout-green container "sidecar" has no readinessProbe',
      'Deployment shop/checkout-green container "sidecar" has no livenessProbe',
    ]);
  });

  it("leaves Deployments that are not a switchyard color alone", async () => {
    const deployment = green();
    delete deploymentProps(deployment).metadata!.labels!["switchyard.dev/color"];
    delete containerOf(deployment).readinessProbe;
    expect(await checkResource(probes, deployment)).toEqual([]);
  });

  it("does not judge a probe that is not known during a preview, and reports it in the update", async () => {
    const deployment = green();
    containerOf(deployment).readinessProbe!.httpGet!.path = "/health";
    const previewed = inPreview(deployment, (props) => (props.spec.template.spec.containers[0].readinessProbe = UNKNOWN_DURING_PREVIEW));
    expect(await checkResource(probes, previewed)).toEqual([]);
    expect(await checkResource(probes, deployment)).toHaveLength(1);
  });
});
