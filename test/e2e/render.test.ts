import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RENDER_DIR, TestProject } from "./helpers/project";
import { changedFiles, snapshotFiles } from "./helpers/files";

const VIRTUAL_SERVICE_FILE = "1-manifest/networking.istio.io_v1-virtualservice-shop-checkout.yaml";

/** Steps that change something: everything but "same". */
const changes = <Step extends { op: string }>(steps: Step[]) => steps.filter((step) => step.op !== "same");

describe("the dev stack through the real pulumi CLI, our language host and our provider build (render mode)", () => {
  let project: TestProject;
  beforeAll(async () => {
    project = new TestProject("render");
  });
  afterAll(() => project?.remove());

  it("previews, deploys, and then previews with no changes", async () => {
    const preview = await project.pulumi(["preview"]);
    expect(preview.stdout).toMatch(/\+ +kubernetes:apps\/v1:Deployment +checkout-blue +create/);
    expect(fs.existsSync(project.file(RENDER_DIR))).toBe(false);

    await project.up();
    const rendered = snapshotFiles(project.file(RENDER_DIR));
    expect([...rendered.keys()]).toContain(VIRTUAL_SERVICE_FILE);
    expect([...rendered.keys()]).toContain("1-manifest/apps_v1-deployment-shop-checkout-green.yaml");
    expect(rendered.get(VIRTUAL_SERVICE_FILE)).toMatch(/subset: blue\n\s+weight: 100/);

    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
  });

  it("a promote changes only the VirtualService manifest, a rollback restores it byte for byte, and no Deployment is replaced", async () => {
    const deployed = snapshotFiles(project.file(RENDER_DIR));

    project.configSet("services.checkout.live", "green");
    const promoteSteps = await project.previewSteps();
    expect(changes(promoteSteps).map((s) => `${s.op} ${s.type}`)).toEqual(["update kubernetes:networking.istio.io/v1:VirtualService"]);
    await project.up();
    const promoted = snapshotFiles(project.file(RENDER_DIR));
    expect(changedFiles(deployed, promoted)).toEqual([VIRTUAL_SERVICE_FILE]);
    expect(promoted.get(VIRTUAL_SERVICE_FILE)).toMatch(/subset: green\n\s+weight: 100/);
    expect((await project.stackOutput("services")).checkout.weights).toEqual({ blue: 0, green: 100 });

    project.configSet("services.checkout.live", "blue");
    const rollbackSteps = await project.previewSteps();
    expect(changes(rollbackSteps).map((s) => `${s.op} ${s.type}`)).toEqual(["update kubernetes:networking.istio.io/v1:VirtualService"]);
    await project.up();
    const rolledBack = snapshotFiles(project.file(RENDER_DIR));
    expect(changedFiles(deployed, rolledBack)).toEqual([]);

    expect([...promoteSteps, ...rollbackSteps].filter((s) => s.replaced)).toEqual([]);
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
  });

  it("a new version of green rolls green's Deployment only, and keeps its name", async () => {
    project.configSet("services.checkout.green.version", "1.5.1");
    const steps = changes(await project.previewSteps());
    expect(steps.map((s) => `${s.op} ${s.type}`)).toEqual(["update kubernetes:apps/v1:Deployment"]);
    expect(steps[0]!.urn).toMatch(/::checkout-green$/);
    project.configSet("services.checkout.green.version", "1.5.0");
  });

  it("refresh (told there is no cluster to read), stack output --json and destroy work", async () => {
    const plainRefresh = await project.pulumi(["refresh", "--yes", "--skip-preview"], { allowFailure: true });
    expect(plainRefresh.status).not.toBe(0);
    expect(plainRefresh.stdout + plainRefresh.stderr).toContain("unreachable cluster");
    await project.pulumi(["refresh", "--yes", "--skip-preview"], { env: { PULUMI_K8S_SKIP_UPDATE_UNREACHABLE: "true" } });
    expect((await project.pulumi(["preview", "--expect-no-changes"])).status).toBe(0);
    expect((await project.stackOutput("services")).checkout.versions).toEqual({ blue: "1.4.2", green: "1.5.0" });
    await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    // The Namespace is retained by design (docs/decisions.md): deleting its manifest would delete it wherever the files are applied with pruning.
    expect([...snapshotFiles(project.file(RENDER_DIR)).keys()]).toEqual(["1-manifest/v1-namespace-default-shop.yaml"]);
    expect(JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout)).toEqual({});
  });
});

describe("bad config through the real CLI", () => {
  let project: TestProject;
  beforeAll(async () => {
    project = new TestProject("render");
  });
  afterAll(() => project?.remove());

  it("fails preview and up with the program's own message and a non-zero exit, and writes no manifest", async () => {
    project.configSet("services.checkout.canary", 150);
    project.configSet("services.checkout.blue.tag", "latest");
    for (const command of [["preview"], ["up", "--yes", "--skip-preview"]]) {
      const result = await project.pulumi(command, { allowFailure: true });
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output).toContain("services.checkout.canary: got 150; allowed: an integer from 0 to 100");
      expect(output).toContain('services.checkout.blue.tag: got "latest"; allowed: an immutable tag');
      expect(output).not.toMatch(/at Object\.|\.ts:\d+:\d+/);
    }
    expect(fs.existsSync(project.file(RENDER_DIR))).toBe(false);
  });
});
