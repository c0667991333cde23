import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RENDER_DIR, TestProject } from "./helpers/project";

const SECRET = "s3cr3t-Value-7f2a91";

describe("secret stack config through the real CLI (render mode)", () => {
  let project: TestProject;
  beforeAll(async () => {
    project = new TestProject("render");
  });
  afterAll(() => project?.remove());

  it("is stored encrypted in the stack file", async () => {
    project.configSet("secrets.checkout.green.DB_PASSWORD", SECRET, { secret: true });
    const stackFile = fs.readFileSync(project.file("Pulumi.dev.yaml"), "utf8");
    expect(stackFile).not.toContain(SECRET);
    expect(stackFile).toMatch(/DB_PASSWORD:\s*\n\s*secure: v1:/);
    expect((await project.pulumi(["config", "get", "switchyard:secrets"])).stdout).toContain(SECRET);
  });

  it("reaches the program, which refuses to render it to a file, and never prints or stores it", async () => {
    const result = await project.pulumi(["up", "--yes", "--skip-preview"], { allowFailure: true });
    const output = result.stdout + result.stderr;
    expect(result.status).not.toBe(0);
    expect(output).toContain("secrets: got [secret]; allowed: no secrets while kubernetes:renderYamlToDirectory is set");
    expect(output).not.toContain(SECRET);
    expect(fs.existsSync(project.file(RENDER_DIR))).toBe(false);
    expect((await project.stateText())).not.toContain(SECRET);
  });

  it("a value set without --secret is refused, and not echoed", async () => {
    await project.pulumi(["config", "rm", "switchyard:secrets"]);
    project.configSet("secrets.checkout.green.API_TOKEN", SECRET);
    const result = await project.pulumi(["preview"], { allowFailure: true });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("secrets: got [secret]; allowed: values stored encrypted");
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });
});
