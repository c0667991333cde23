import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectl, TEST_CLUSTER } from "../../dev/lib/cluster";
import { PROJECT_ROOT } from "../../dev/lib/toolchain";
import { getJson } from "./helpers/cluster";
import { TestProject } from "./helpers/project";

/**
 * Upgrading switchyard never replaces or deletes a workload (issue 20): a
 * stack deployed by an earlier program, kept as a fixture, is previewed and
 * updated with the current one. Any change to resource names, types or
 * parents needs aliases to pass. See test/e2e/fixtures/program-at-4e403cf.
 */

const EARLIER_PROGRAMS = ["program-at-4e403cf"];

/** The kinds whose objects an upgrade must keep: deleting or replacing one disrupts or breaks a running service. */
const KEPT_KINDS = ["Namespace", "Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget", "VirtualService", "DestinationRule"];
const KUBECTL_KINDS = "deployments,services,configmaps,secrets,poddisruptionbudgets,virtualservices,destinationrules";

const kindOf = (type: string) => type.split(":").pop()!;

/** Every object of the kept kinds in the namespace, and the namespace itself, as "kind/name" to UID. */
function objectUids(namespace: string): Record<string, string> {
  const objects: Record<string, string> = {};
  for (const item of getJson(namespace, KUBECTL_KINDS).items) objects[`${item.kind}/${item.metadata.name}`] = item.metadata.uid;
  const ns = JSON.parse(kubectl(TEST_CLUSTER, ["get", "namespace", namespace, "-o", "json"]).stdout);
  objects[`Namespace/${namespace}`] = ns.metadata.uid;
  return objects;
}

describe.each(EARLIER_PROGRAMS)("upgrading a stack deployed by %s to the current program", (fixture) => {
  let project: TestProject;
  let before: Record<string, string>;
  beforeAll(async () => {
    // The dev stack's two services: checkout with both colors (two pods each, so PodDisruptionBudgets), catalog with one.
    project = new TestProject("cluster", "dev", path.join(PROJECT_ROOT, "test/e2e/fixtures", fixture));
    project.configSet("secrets.checkout.green.DB_PASSWORD", "upgrade-Pa55-1", { secret: true });
    await project.up();
    // A second release of the idle color, so that kept ConfigMaps and Secrets of an older revision exist too.
    project.configSet("services.checkout.green.version", "1.5.1");
    project.configSet("services.checkout.green.env.FEATURE_NEW_CART", "v2");
    project.configSet("secrets.checkout.green.DB_PASSWORD", "upgrade-Pa55-2", { secret: true });
    await project.up();
    before = objectUids(project.namespace);
    project.upgradeProgram();
  });
  afterAll(async () => {
    await project?.remove();
    // The namespace outlives the stack by design (retainOnDelete); the test cleans up after itself.
    if (project) kubectl(TEST_CLUSTER, ["delete", "namespace", project.namespace, "--wait=false"], { allowFailure: true });
  });

  it("deployed every kind the upgrade must keep, kept revisions included", () => {
    const kinds = new Set(Object.keys(before).map((key) => key.split("/")[0]));
    expect([...kinds].sort()).toEqual([...KEPT_KINDS].sort());
    expect(Object.keys(before).filter((key) => key.startsWith("Deployment/")).sort()).toEqual([
      "Deployment/catalog-blue",
      "Deployment/checkout-blue",
      "Deployment/checkout-green",
    ]);
    expect(Object.keys(before).filter((key) => key.startsWith("Secret/checkout-green"))).toHaveLength(2);
  });

  it("previews no create, delete or replacement of any workload object", async () => {
    const steps = (await project.previewSteps(true)).filter((step) => KEPT_KINDS.includes(kindOf(step.type)));
    const unsafe = steps.filter((step) => step.op === "create" || step.op === "delete" || step.replaced);
    expect(unsafe.map((step) => `${step.op} ${step.urn}`)).toEqual([]);
    // The preview saw every object it must keep: a step per object, "same" or "update".
    expect(steps.filter((step) => kindOf(step.type) === "Deployment")).toHaveLength(3);
  });

  it("updates the stack keeping every object, each Deployment with its UID", async () => {
    await project.up();
    expect(objectUids(project.namespace)).toEqual(before);
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
  });
});
