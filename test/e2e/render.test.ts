import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RENDER_DIR, TestProject } from "./helpers/project";
import { changedFiles, snapshotFiles } from "./helpers/files";

const VIRTUAL_SERVICE_FILE = "1-manifest/networking.istio.io_v1-virtualservice-shop-checkout.yaml";

/** Steps that change something: everything but "same". */
const changes = <Step extends { op: string }>(steps: Step[]) => steps.filter((step) => step.op !== "same");

describe("the dev stack through the real pulumi CLI, our language host and our provider build (render mode)", () => {
  let project: TestProject;
  beforeAll(() => {
    project = new TestProject("render");
  });
  afterAll(() => project?.remove());

  it("previews, deploys, and then previews with no changes", () => {
    const preview = project.pulumi(["preview"]);
    expect(preview.stdout).toMatch(/\+ +kubernetes:apps\/v1:Deployment +checkout-blue +create/);
    expect(fs.existsSync(project.file(RENDER_DIR))).toBe(false);

    project.up();
    const rendered = snapshotFiles(project.file(RENDER_DIR));
    expect([...rendered.keys()]).toContain(VIRTUAL_SERVICE_FILE);
    expect([...rendered.keys()]).toContain("1-manifest/apps_v1-deployment-shop-checkout-green.yaml");
    expect(rendered.get(VIRTUAL_SERVICE_FILE)).toMatch(/subset: blue\n\s+weight: 100/);

    expect(project.pulumi(["preview", "--expect-no-changes"]).status).toBe(0);
  });

  it("a promote changes only the VirtualService manifest, a rollback restores it byte for byte, and no Deployment is replaced", () => {
    const deployed = snapshotFiles(project.file(RENDER_DIR));

    project.configSet("services.checkout.live", "green");
    const promoteSteps = project.previewSteps();
    expect(changes(promoteSteps).map((s) => `${s.op} ${s.type}`)).toEqual(["update kubernetes:networking.istio.io/v1:VirtualService"]);
    project.up();
    const promoted = snapshotFiles(project.file(RENDER_DIR));
    expect(changedFiles(deployed, promoted)).toEqual([VIRTUAL_SERVICE_FILE]);
    expect(promoted.get(VIRTUAL_SERVICE_FILE)).toMatch(/subset: green\n\s+weight: 100/);
    expect(project.stackOutput("services").checkout.weights).toEqual({ blue: 0, green: 100 });

    project.configSet("services.checkout.live", "blue");
    const rollbackSteps = project.previewSteps();
    expect(changes(rollbackSteps).map((s) => `${s.op} ${s.type}`)).toEqual(["update kubernetes:networking.istio.io/v1:VirtualService"]);
    project.up();
    const rolledBack = snapshotFiles(project.file(RENDER_DIR));
    expect(changedFiles(deployed, rolledBack)).toEqual([]);

    expect([...promoteSteps, ...rollbackSteps].filter((s) => s.replaced)).toEqual([]);
    expect(project.pulumi(["preview", "--expect-no-changes"]).status).toBe(0);
  });

  it("a new version of green rolls green's Deployment only, and keeps its name", () => {
    project.configSet("services.checkout.green.version", "1.5.1");
    const steps = changes(project.previewSteps());
    expect(steps.map((s) => `${s.op} ${s.type}`)).toEqual(["update kubernetes:apps/v1:Deployment"]);
    expect(steps[0]!.urn).toMatch(/::checkout-green$/);
    project.configSet("services.checkout.green.version", "1.5.0");
  });

  it("refresh (told there is no cluster to read), stack output --json and destroy work", () => {
    const plainRefresh = project.pulumi(["refresh", "--yes", "--skip-preview"], { allowFailure: true });
    expect(plainRefresh.status).not.toBe(0);
    expect(plainRefresh.stdout + plainRefresh.stderr).toContain("unreachable cluster");
    project.pulumi(["refresh", "--yes", "--skip-preview"], { env: { PULUMI_K8S_SKIP_UPDATE_UNREACHABLE: "true" } });
    expect(project.pulumi(["preview", "--expect-no-changes"]).status).toBe(0);
    expect(project.stackOutput("services").checkout.versions).toEqual({ blue: "1.4.2", green: "1.5.0" });
    project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(snapshotFiles(project.file(RENDER_DIR)).size).toBe(0);
    expect(JSON.parse(project.pulumi(["stack", "output", "--json"]).stdout)).toEqual({});
  });
});

describe("bad config through the real CLI", () => {
  let project: TestProject;
  beforeAll(() => {
    project = new TestProject("render");
  });
  afterAll(() => project?.remove());

  it("fails preview and up with the program's own message and a non-zero exit, and writes no manifest", () => {
    project.configSet("services.checkout.canary", 150);
    project.configSet("services.checkout.blue.tag", "latest");
    for (const command of [["preview"], ["up", "--yes", "--skip-preview"]]) {
      const result = project.pulumi(command, { allowFailure: true });
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output).toContain("services.checkout.canary: got 150; allowed: an integer from 0 to 100");
      expect(output).toContain('services.checkout.blue.tag: got "latest"; allowed: an immutable tag');
      expect(output).not.toMatch(/at Object\.|\.ts:\d+:\d+/);
    }
    expect(fs.existsSync(project.file(RENDER_DIR))).toBe(false);
  });
});
