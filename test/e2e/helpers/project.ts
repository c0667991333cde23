import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiEnvironment, runPulumi, type PulumiEnvironment, type PulumiResult } from "../../../scripts/lib/environment";
import { PROJECT_ROOT } from "../../../scripts/lib/toolchain";

/** What a test project is made of: the program and its stack files, never the repo's state or node_modules. */
const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "package.json", "tsconfig.json", "index.ts", "components"];

/**
 * A copy of the project in a temporary folder with its own state backend, so
 * tests change stack config and deploy without touching the repository's
 * files or the developer's dev stack. node_modules is linked, not copied.
 */
export class TestProject {
  readonly dir: string;
  readonly environment: PulumiEnvironment;

  constructor(readonly stack = "dev") {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-"));
    for (const file of PROJECT_FILES) {
      fs.cpSync(path.join(PROJECT_ROOT, file), path.join(this.dir, file), { recursive: true });
    }
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    this.environment = pulumiEnvironment({ projectDir: this.dir, stateDir: path.join(this.dir, ".state") });
    this.pulumi(["stack", "init"]);
  }

  /** Runs `pulumi` on this project's stack; throws on a non-zero exit unless `allowFailure`. */
  pulumi(args: readonly string[], options: { allowFailure?: boolean; env?: NodeJS.ProcessEnv } = {}): PulumiResult {
    return runPulumi(this.environment, [...args, "--stack", this.stack, "--non-interactive"], options);
  }

  /** `pulumi config set --path`; a value that is not `secret` is stored as plain text even if it looks like a secret. */
  configSet(pathKey: string, value: string | number, options: { secret?: boolean } = {}): void {
    const secret = options.secret ? ["--secret"] : ["--plaintext"];
    this.pulumi(["config", "set", "--path", pathKey, String(value), ...secret]);
  }

  up(): PulumiResult {
    return this.pulumi(["up", "--yes", "--skip-preview"]);
  }

  /** Steps of a preview as the engine reports them: `op` per resource URN. */
  previewSteps(): { op: string; urn: string; type: string; replaced: boolean }[] {
    const result = this.pulumi(["preview", "--json"]);
    const steps: any[] = JSON.parse(result.stdout).steps ?? [];
    return steps.map((step) => ({
      op: step.op,
      urn: step.urn,
      type: step.urn.split("::")[2].split("$").pop(),
      replaced: step.op === "replace" || step.op === "create-replacement" || step.op === "delete-replaced",
    }));
  }

  stackOutput<T = any>(name: string): T {
    return JSON.parse(this.pulumi(["stack", "output", name, "--json"]).stdout);
  }

  /** The raw checkpoint of the stack, as the file backend stores it. */
  stateText(): string {
    return this.pulumi(["stack", "export"]).stdout;
  }

  file(relative: string): string {
    return path.join(this.dir, relative);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
