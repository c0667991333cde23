import * as path from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changedFiles, snapshotFiles } from "./helpers/files";
import { TestProject } from "./helpers/project";

/**
 * Our language host is plumbing around upstream's `cmd/run`. The Automation
 * API with an inline program uses upstream's in-process language server and
 * no host at all, so the two must produce the same deployment.
 */
describe("fidelity of our language host", () => {
  let viaHost: TestProject;
  let inline: TestProject;
  beforeAll(async () => {
    viaHost = new TestProject("render");
    inline = new TestProject("render");
    for (const project of [viaHost, inline]) {
      await project.pulumi(["config", "set", "kubernetes:renderYamlToDirectory", project.file("rendered")]);
    }
  });
  afterAll(async () => {
    await viaHost?.remove();
    await inline?.remove();
  });

  it("pulumi up through our host and an inline Automation API program render byte-identical manifests and identical outputs", async () => {
    await viaHost.up();
    const hostOutputs = await viaHost.stackOutput("services");

    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(path.dirname(inline.environment.pulumi)) });
    const stack = await LocalWorkspace.selectStack(
      {
        stackName: "dev",
        projectName: "switchyard",
        // index.ts exports the program as an async function (it reads its own stack's outputs first).
        program: async () => (await import("../../index")).default(),
      },
      { workDir: inline.dir, pulumiCommand, envVars: stringEnv(inline.environment.env) },
    );
    const result = await stack.up();
    expect(result.summary.result).toBe("succeeded");

    const fromHost = snapshotFiles(viaHost.file("rendered"));
    const fromInline = snapshotFiles(inline.file("rendered"));
    expect(fromHost.size).toBeGreaterThan(10);
    expect(changedFiles(fromHost, fromInline)).toEqual([]);
    expect(result.outputs.services?.value).toEqual(hostOutputs);
  });
});

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
