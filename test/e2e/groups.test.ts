import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLOR_HEADER } from "../../model/naming";
import { getJson, liveWeights } from "./helpers/cluster";
import { MetricsSource } from "./helpers/metricsSource";
import { PrometheusServer, useAnalysis } from "./helpers/prometheus";
import { TestProject } from "./helpers/project";

/**
 * Issue 19: a release group (checkout + catalog, with lanes) on the local
 * cluster through the real CLI, in sequence on one stack: deploy, canary,
 * rollout (judged per member with a real Prometheus), promote and rollback
 * of the group, then the bad inputs.
 */
describe("release groups: members released, judged and rolled back together", () => {
  let project: TestProject;
  let metrics: MetricsSource;
  let prometheus: PrometheusServer;
  let ns: string;
  const MEMBERS = ["checkout", "catalog"] as const;
  const stackFile = () => fs.readFileSync(project.file("Pulumi.dev.yaml"), "utf8");
  const updates = async () => JSON.parse((await project.pulumi(["stack", "history", "--json"])).stdout) as { message: string }[];
  const deployments = () =>
    Object.fromEntries(getJson(ns, "deployments").items.map((d: any) => [d.metadata.name, `${d.metadata.uid}/${d.metadata.generation}/${d.spec.replicas}`]));
  const weightsOfBoth = () => MEMBERS.map((member) => liveWeights(ns, member));

  beforeAll(async () => {
    metrics = await MetricsSource.start();
    prometheus = await PrometheusServer.start([metrics.target]);
    project = new TestProject("cluster");
    ns = project.namespace;
    project.configSet("services.catalog.green.version", "2.0.1");
    project.configSet("groups.cart.services[0]", "checkout");
    project.configSet("groups.cart.services[1]", "catalog");
    project.configSet("groups.cart.lanes", "true");
    useAnalysis(project, prometheus);
    await project.up();
  });
  afterAll(async () => {
    await project?.remove();
    await prometheus?.stop();
    await metrics?.stop();
  });

  it("renders lanes on both members as Istio's CRD schema keeps them: the weighted route sets the color, header routes for both colors come first", () => {
    for (const member of MEMBERS) {
      const http = getJson(ns, "virtualservice", member).spec.http;
      expect(http.map((route: any) => route.name)).toEqual(["blue-by-header", "green-by-header", "weighted"]);
      for (const [index, color] of ["blue", "green"].entries()) {
        expect(http[index].match).toEqual([{ name: color, headers: { [COLOR_HEADER]: { exact: color } } }]);
        expect(http[index].route.map((destination: any) => destination.destination.subset)).toEqual([color]);
      }
      // The API server prunes fields its structural schema does not know: what it returns is what Istio's CRD accepts.
      expect(http[2].route.map((destination: any) => [destination.destination.subset, destination.weight, destination.headers])).toEqual([
        ["blue", 100, { request: { set: { [COLOR_HEADER]: "blue" } } }],
        ["green", 0, { request: { set: { [COLOR_HEADER]: "green" } } }],
      ]);
    }
  });

  it("deploy --group puts new versions into both idle colors in one update", async () => {
    const before = (await updates()).length;
    const deploy = await project.switchyard(["deploy", "--group", "cart", "checkout=1.6.0", "catalog=2.2.0", "--schema", ">=13 <15", "--yes"]);
    expect(deploy.status, deploy.stderr).toBe(0);
    expect(deploy.stdout).toContain("checkout: deploy 1.6.0 to green");
    expect(deploy.stdout).toContain("catalog: deploy 2.2.0 to green");
    const history = await updates();
    expect(history).toHaveLength(before + 1);
    expect(history[0]!.message).toMatch(/^group cart: checkout: deploy 1\.6\.0 to green; catalog: deploy 2\.2\.0 to green/);
    expect(getJson(ns, "deployment", "checkout-green").spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("1.6.0");
    expect(getJson(ns, "deployment", "catalog-green").spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("2.2.0");
    expect(weightsOfBoth()).toEqual([{ blue: 100, green: 0 }, { blue: 100, green: 0 }]);
  });

  it("canary --group 25: one update, both VirtualServices change with their lanes, no Deployment changes", async () => {
    const before = (await updates()).length;
    const workloads = deployments();
    const canary = await project.switchyard(["canary", "--group", "cart", "25", "--yes"]);
    expect(canary.status, canary.stderr).toBe(0);
    expect(canary.stdout).toContain("checkout: blue 100 -> 75, green 0 -> 25");
    expect(canary.stdout).toContain("catalog: blue 100 -> 75, green 0 -> 25");
    const history = await updates();
    expect(history).toHaveLength(before + 1);
    expect(history[0]!.message).toMatch(/^group cart: checkout: canary 25% to green; catalog: canary 25% to green/);
    expect(weightsOfBoth()).toEqual([{ blue: 75, green: 25 }, { blue: 75, green: 25 }]);
    for (const member of MEMBERS) {
      const weighted = getJson(ns, "virtualservice", member).spec.http.find((route: any) => route.name === "weighted");
      expect(weighted.route.map((destination: any) => destination.headers.request.set[COLOR_HEADER])).toEqual(["blue", "green"]);
    }
    expect(deployments()).toEqual(workloads);
    expect((await project.pulumi(["preview", "--expect-no-changes"], { allowFailure: true })).status).toBe(0);
  });

  it("rollback --group stops the canary of both members in one move", async () => {
    const rollback = await project.switchyard(["rollback", "--group", "cart", "--yes"]);
    expect(rollback.status, rollback.stderr).toBe(0);
    expect(weightsOfBoth()).toEqual([{ blue: 100, green: 0 }, { blue: 100, green: 0 }]);
    expect((await updates())[0]!.message).toMatch(/^group cart: checkout: roll back the 25% canary on green; catalog: roll back the 25% canary on green/);
  });

  it("rollout --group judges each member with its own queries: catalog's error rate fails, and both go back to 0 at once", async () => {
    metrics.set("checkout-green", { namespace: ns, version: "1.6.0", requestsPerSecond: 20, errorRate: 0 });
    metrics.set("catalog-green", { namespace: ns, version: "2.2.0", requestsPerSecond: 20, errorRate: 0.05 });
    const result = await project.switchyard(["rollout", "--group", "cart", "--steps", "25,50", "--interval", "12s", "--yes", "--json"]);
    expect(result.status, result.stderr).toBe(3);
    const outcome = JSON.parse(result.stdout);
    expect(outcome).toMatchObject({ group: "cart", services: ["checkout", "catalog"], kind: "rolled-back", failedAt: 25 });
    expect(outcome.reason).toMatch(/^catalog: error rate \d+\.\d\d% > 0\.50% over 10s \(\d+ requests\)$/);
    expect(outcome.steps[0].members.map((member: any) => [member.service, member.verdict.kind])).toEqual([["checkout", "pass"], ["catalog", "fail"]]);
    expect(result.stderr).toMatch(/group cart: rolled back automatically at canary 25%: catalog: error rate/);
    // One move for the group on the API server, recorded by one update.
    expect(result.stderr).toMatch(/checkout: 100% blue at \+\d+\.\d\d s \(VirtualService \S+\/checkout\); recorded as/);
    expect(result.stderr).toMatch(/catalog: 100% blue at \+\d+\.\d\d s \(VirtualService \S+\/catalog\); recorded as/);
    expect(weightsOfBoth()).toEqual([{ blue: 100, green: 0 }, { blue: 100, green: 0 }]);
    expect((await updates())[0]!.message).toMatch(/^group cart: checkout: automatic rollback of the 25% canary on green; catalog: automatic rollback of the 25% canary on green/);
  });

  it("promote --group, then rollback --group: both members switch color together", async () => {
    const promote = await project.switchyard(["promote", "--group", "cart", "--yes"]);
    expect(promote.status, promote.stderr).toBe(0);
    expect(weightsOfBoth()).toEqual([{ blue: 0, green: 100 }, { blue: 0, green: 100 }]);
    expect((await project.stackOutput("services")).catalog).toMatchObject({ live: "green", canary: 0 });

    const rollback = await project.switchyard(["rollback", "--group", "cart", "--yes"]);
    expect(rollback.status, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain("checkout: roll back to blue (1.4.2)");
    expect(rollback.stdout).toContain("catalog: roll back to blue (2.0.1)");
    expect(weightsOfBoth()).toEqual([{ blue: 100, green: 0 }, { blue: 100, green: 0 }]);
    const services = await project.stackOutput("services");
    expect([services.checkout.live, services.catalog.live]).toEqual(["blue", "blue"]);
  });

  it("status puts the members under their group; history --group shows each group move as one row; compare --group compares every member", async () => {
    const status = await project.switchyard(["status"]);
    expect(status.status, status.stderr).toBe(0);
    const lines = status.stdout.split("\n");
    const heading = lines.indexOf("group cart (lanes): checkout, catalog");
    expect(heading).toBeGreaterThan(0);
    expect(lines[heading + 1]).toMatch(/^  checkout\s+blue\s+istio\s+1\.4\.2 100% 2\/2 ready\s+1\.6\.0 0% 2\/2 ready$/);
    expect(lines[heading + 2]).toMatch(/^  catalog\s+blue\s+istio\s+2\.0\.1 100% 1\/1 ready\s+2\.2\.0 0% 1\/1 ready$/);
    const statusJson = JSON.parse((await project.switchyard(["status", "--json"])).stdout);
    expect(statusJson.groups).toEqual([{ name: "cart", services: ["checkout", "catalog"], lanes: true }]);
    expect(statusJson.services.map((service: any) => [service.service, service.group])).toEqual([["catalog", "cart"], ["checkout", "cart"]]);

    const history = await project.switchyard(["history", "--group", "cart"]);
    expect(history.status, history.stderr).toBe(0);
    expect(history.stdout).toMatch(/1\.4\.2 75% \| 1\.6\.0 25%\s+2\.0\.1 75% \| 2\.2\.0 25%\s+checkout: canary 0 -> 25, catalog: canary 0 -> 25 \(message: group cart: checkout: canary 25% to green; catalog: canary 25% to green/);
    const member = await project.switchyard(["history", "catalog"]);
    expect(member.stdout).toContain("catalog is in group cart (history --group cart shows its members side by side)");

    const compare = await project.switchyard(["compare", "--group", "cart"]);
    expect(compare.status, compare.stderr).toBe(0);
    expect(compare.stdout).toContain("checkout: blue (live, 100%) -> green (0%)");
    expect(compare.stdout).toContain("version  2.0.1 -> 2.2.0 (minor upgrade)");
    expect(compare.stdout).toContain("green can run on the database's schema 13");
    expect(compare.stdout).toContain("schema gate: every member's other color can run on its database's schema");
  });

  describe("bad input is refused before anything changes, naming the key", () => {
    /** Runs a group canary on a stack file changed by `edit`, expects exit 2 with `message`, and puts the file back. */
    const refused = async (edit: () => unknown, message: string, args = ["canary", "--group", "cart", "25", "--yes"]) => {
      const original = stackFile();
      await edit();
      const edited = stackFile();
      const workloads = deployments();
      const result = await project.switchyard(args);
      expect(result.status, result.stdout + result.stderr).toBe(2);
      expect(result.stderr).toContain(message);
      expect(stackFile()).toBe(edited);
      expect(weightsOfBoth()).toEqual([{ blue: 100, green: 0 }, { blue: 100, green: 0 }]);
      expect(deployments()).toEqual(workloads);
      fs.writeFileSync(project.file("Pulumi.dev.yaml"), original);
    };

    it("a service in two groups", async () => {
      await refused(
        () => project.configSet("groups.search.services[0]", "catalog"),
        'groups.search.services: got "catalog"; allowed: services in no other group: catalog is already in groups.cart.services',
      );
    });

    it("a group naming a service the stack does not have", async () => {
      await refused(() => project.configSet("groups.cart.services[2]", "payments"), 'groups.cart.services: got "payments"; allowed: names of services of this stack (checkout, catalog); payments is not one');
    });

    it("a one-color member of a group with lanes", async () => {
      await refused(
        () => project.pulumi(["config", "rm", "--path", "services.catalog.green"]),
        "services.catalog.green: got nothing (the key is missing); allowed: a slot with a version: groups.cart.lanes is true",
      );
    });

    it("members with different live colors at a group canary", async () => {
      await refused(() => {
        project.configSet("groups.cart.lanes", "false");
        project.configSet("services.catalog.live", "green");
      }, 'services.catalog.live: got "green"; allowed: blue, the live color of checkout: a group canary sends the same color of every member');
    });

    it("a group the stack does not have", async () => {
      await refused(() => {}, "groups.shop: got nothing (the key is missing); allowed: a group of this stack: cart", ["rollback", "--group", "shop", "--yes"]);
    });
  });
});
