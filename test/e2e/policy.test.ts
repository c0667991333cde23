import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPulumi, type PulumiEnvironment, type PulumiResult } from "../../cli/pulumi/process";
import { pulumiEnvironment } from "../../dev/lib/environment";
import { PROJECT_ROOT } from "../../dev/lib/toolchain";
import { TestProject } from "./helpers/project";

/** The pack is referenced by absolute path, as CI does, so the temporary projects need no copy of it. */
const POLICY_PACK = path.join(PROJECT_ROOT, "policy");
const HAND_WRITTEN_RELEASE = path.join(PROJECT_ROOT, "test/e2e/fixtures/hand-written-release");

const withPolicies = (environment: "dev" | "prod") => [
  "--policy-pack",
  POLICY_PACK,
  "--policy-pack-config",
  path.join(POLICY_PACK, `config.${environment}.json`),
];

interface ReportedViolation {
  readonly level: string;
  readonly policy: string;
  /** `type: name` of the resource, as the CLI prints it. */
  readonly resource: string;
  readonly message: string;
}

/** Violations as the CLI lists them under "Policies:": `- [level]  policy  (type: name)`, the policy's description, then the message. */
function violations(result: PulumiResult): ReportedViolation[] {
  const pattern = /^ +- \[(\w+)\] +(\S+) +\((.+)\)\n +.*\n +(.*)$/gm;
  return [...result.stdout.matchAll(pattern)].map(([, level, policy, resource, message]) => ({
    level: level!,
    policy: policy!,
    resource: resource!,
    message: message!,
  }));
}

/**
 * Runs `pulumi` without blocking the test worker: a preview with a policy
 * pack takes long enough that a synchronous run would starve vitest's own
 * messages to the worker and fail the run with an RPC timeout.
 */
function pulumiInBackground(environment: PulumiEnvironment, args: readonly string[]): Promise<PulumiResult> {
  const child = spawn(environment.pulumi, [...args], { cwd: environment.projectDir, env: environment.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

/**
 * The hand-written release fixture (raw Kubernetes and Istio objects) in a
 * temporary folder with its own state backend, rendering manifests to files;
 * node_modules is linked from the repository, as TestProject does.
 */
class HandWrittenRelease {
  readonly dir: string;
  private readonly environment: PulumiEnvironment;

  constructor(config: Readonly<Record<string, string | number | boolean>>) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-policy-"));
    fs.cpSync(HAND_WRITTEN_RELEASE, this.dir, { recursive: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    this.environment = pulumiEnvironment({ projectDir: this.dir });
    this.pulumi(["stack", "init"]);
    this.pulumi(["config", "set", "kubernetes:renderYamlToDirectory", "rendered"]);
    for (const [key, value] of Object.entries(config)) this.pulumi(["config", "set", key, String(value)]);
  }

  /** Quick setup commands; they must succeed. */
  private pulumi(args: readonly string[]): void {
    runPulumi(this.environment, [...args, "--stack", "dev", "--non-interactive"]);
  }

  /** A preview or an update with the pack; its exit status is the result. */
  run(args: readonly string[]): Promise<PulumiResult> {
    return pulumiInBackground(this.environment, [...args, "--stack", "dev", "--non-interactive"]);
  }

  /** The text of every manifest rendered so far. */
  renderedManifests(): string {
    const manifests = path.join(this.dir, "rendered", "1-manifest");
    if (!fs.existsSync(manifests)) return "";
    return fs.readdirSync(manifests).map((file) => fs.readFileSync(path.join(manifests, file), "utf8")).join("\n---\n");
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

describe("the switchyard policy pack through the real pulumi CLI", () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(POLICY_PACK, "node_modules", "@pulumi", "policy"))) {
      throw new Error("The policy pack's dependencies are not installed: run `npm ci --prefix policy` (npm ci at the root does it in postinstall).");
    }
  });

  describe("switchyard's stacks", () => {
    const projects: TestProject[] = [];
    afterAll(() => Promise.all(projects.map((project) => project.remove())));

    it.each(["dev", "prod"] as const)("the %s stack passes with its own policy config", async (stack) => {
      const project = new TestProject("render", stack);
      projects.push(project);
      const preview = await project.pulumiAsync(["preview", ...withPolicies(stack)]).done;
      expect(preview.stdout + preview.stderr).not.toMatch(/error|can't run policy/i);
      expect(preview.status).toBe(0);
      expect(preview.stdout).toMatch(/Policies:\n +✅ switchyard@v0\.1\.0 \(local: .*\/policy\)/);
      expect(violations(preview)).toEqual([]);
    });

    it("the dev stack fails the prod config, which requires digests", async () => {
      const project = new TestProject("render");
      projects.push(project);
      const preview = await project.pulumiAsync(["preview", ...withPolicies("prod")]).done;
      expect(preview.status).not.toBe(0);
      expect(violations(preview).map((v) => `${v.level} ${v.policy} ${v.resource}`)).toEqual([
        "mandatory immutable-images kubernetes:apps/v1:Deployment: catalog-blue",
        "mandatory immutable-images kubernetes:apps/v1:Deployment: checkout-blue",
        "mandatory immutable-images kubernetes:apps/v1:Deployment: checkout-green",
      ]);
    });
  });

  describe("a stack on the Gateway API router", () => {
    let project: TestProject;
    afterAll(() => project?.remove());

    it("its HTTPRoute is held to the weights rule: a canary step the policy config does not allow is refused", async () => {
      project = new TestProject("render");
      project.configSet("defaults.router", "gateway-api");
      project.configSet("defaults.parentRefs[0].name", "shop-gateway");
      project.configSet("services.checkout.canary", 10);
      const config = project.file("policy-config.json");
      const dev = JSON.parse(fs.readFileSync(path.join(POLICY_PACK, "config.dev.json"), "utf8"));
      fs.writeFileSync(config, JSON.stringify({ ...dev, weights: { enforcementLevel: "mandatory", allowedCanaryWeights: [0, 5, 25, 50, 100] } }));
      const preview = await project.pulumiAsync(["preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", config]).done;
      expect(preview.stdout + preview.stderr).not.toMatch(/can't run policy/);
      expect(preview.status).not.toBe(0);
      expect(violations(preview)).toEqual([
        {
          level: "mandatory",
          policy: "weights",
          resource: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute: checkout-httproute",
          message: expect.stringMatching(
            /^HTTPRoute shop\/checkout rule "weighted" sends 90% to Service checkout-blue, 10% to Service checkout-green, a step this stack does not allow\. Rule: /,
          ),
        },
      ]);
    });
  });

  describe("a hand-written release with a latest image, a container without probes and a 90/20 split", () => {
    let release: HandWrittenRelease;
    beforeAll(() => {
      release = new HandWrittenRelease({ blueImage: "registry.example.com/shop/web:latest", blueProbes: false, blueWeight: 90, greenWeight: 20 });
    });
    afterAll(() => release?.remove());

    it("fails the preview with all three mandatory violations", async () => {
      const preview = await release.run(["preview", ...withPolicies("dev")]);
      expect(preview.status).not.toBe(0);
      expect(preview.stdout).toMatch(/Policies:\n +❌ switchyard@v0\.1\.0/);
      expect(violations(preview)).toEqual([
        {
          level: "mandatory",
          policy: "immutable-images",
          resource: "kubernetes:apps/v1:Deployment: web-blue",
          message: expect.stringMatching(/^Deployment shop\/web-blue container "web" runs image "registry\.example\.com\/shop\/web:latest", whose tag latest is mutable\. Rule: .* Fix: /),
        },
        {
          level: "mandatory",
          policy: "probes",
          resource: "kubernetes:apps/v1:Deployment: web-blue",
          message: expect.stringMatching(/^Deployment shop\/web-blue container "web" has no readinessProbe\. Rule: .* Fix: give the container an HTTP readinessProbe on \/readyz\.$/),
        },
        {
          level: "mandatory",
          policy: "probes",
          resource: "kubernetes:apps/v1:Deployment: web-blue",
          message: expect.stringMatching(/^Deployment shop\/web-blue container "web" has no livenessProbe\. Rule: .* Fix: give the container an HTTP livenessProbe on \/healthz\.$/),
        },
        {
          level: "mandatory",
          policy: "weights",
          resource: "kubernetes:networking.istio.io/v1:VirtualService: web-virtualservice",
          message: expect.stringMatching(/^VirtualService shop\/web http route "weighted" sends 90% to subset blue, 20% to subset green, 110% in all\. Rule: .* Fix: make the weights sum to 100/),
        },
      ]);
    });
  });

  describe("a hand-written release whose latest image is only known at update time, like a docker build's", () => {
    let release: HandWrittenRelease;
    beforeAll(() => {
      release = new HandWrittenRelease({ blueImage: "registry.example.com/shop/web:latest", blueImageKnownAtUpdate: true });
    });
    afterAll(() => release?.remove());

    it("passes the preview without a false alarm", async () => {
      const preview = await release.run(["preview", ...withPolicies("dev")]);
      expect(preview.stdout + preview.stderr).not.toMatch(/can't run policy/);
      expect(preview.status).toBe(0);
      expect(violations(preview)).toEqual([]);
    });

    it("is stopped by the update, before blue's Deployment is written", async () => {
      const update = await release.run(["up", "--yes", "--skip-preview", ...withPolicies("dev")]);
      expect(update.status).not.toBe(0);
      expect(violations(update).map((v) => `${v.level} ${v.policy} ${v.resource}: ${v.message.split(". Rule:")[0]}`)).toEqual([
        'mandatory immutable-images kubernetes:apps/v1:Deployment: web-blue: Deployment shop/web-blue container "web" runs image "registry.example.com/shop/web:latest", whose tag latest is mutable',
      ]);
      expect(release.renderedManifests()).toContain("image: registry.example.com/shop/web:1.1.0");
      expect(release.renderedManifests()).not.toContain("web:latest");
    });
  });
});
