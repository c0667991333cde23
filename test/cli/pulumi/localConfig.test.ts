import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readLocalConfig } from "../../../cli/pulumi/localConfig";
import { ConfigError } from "../../../model/config/problems";

function project(stackFile: string, projectFile = "name: switchyard\nruntime: nodejs\n"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-config-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectFile);
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackFile);
  return dir;
}

const STACK = `config:
  kubernetes:kubeconfig: cluster/kubeconfig.yaml
  kubernetes:context: staging
  switchyard:namespace: shop
  switchyard:services:
    checkout:
      image: registry.example.com/shop/checkout
      port: 8080
      blue: {version: 1.4.2, env: {FEATURE: "false"}}
      green: {version: 1.5.0}
      live: blue
      canary: 25
  switchyard:secrets:
    checkout:
      blue:
        DB_PASSWORD:
          secure: v1:abc:def
encryptionsalt: v1:xyz
`;

describe("the stack config read from the stack file alone, for the fast path", () => {
  it("parses it with the program's parser, as pulumi hands it over, with the kubeconfig and context", () => {
    const dir = project(STACK);
    const local = readLocalConfig(dir, "dev");
    if ("unavailable" in local) throw new Error(local.unavailable);
    const checkout = local.config.services.find((service) => service.name === "checkout")!;
    expect([checkout.live, checkout.canary, checkout.slots.blue!.version, checkout.slots.green!.version]).toEqual(["blue", 25, "1.4.2", "1.5.0"]);
    expect(local.config.namespace).toBe("shop");
    expect([local.kubeconfig, local.kubeContext]).toEqual(["cluster/kubeconfig.yaml", "staging"]);
    expect(local.reading.content.equals(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml")))).toBe(true);
  });

  it("marks a key holding an encrypted value as secret and never decrypts it", () => {
    const local = readLocalConfig(project(STACK), "dev");
    if ("unavailable" in local) throw new Error(local.unavailable);
    expect(local.context.secretKeys).toEqual(["secrets"]);
    expect(local.raw.secrets).toEqual({ checkout: { blue: { DB_PASSWORD: "[secret]" } } });
  });

  it("reads keys without a namespace as the project's, as pulumi does", () => {
    const local = readLocalConfig(project("config:\n  namespace: shop\n  services: {}\n"), "dev");
    expect("unavailable" in local ? local.unavailable : local.config.namespace).toBe("shop");
  });

  it.each([
    ["an ESC environment", `environment:\n  - shop/prod\n${STACK}`, "Pulumi.yaml", "Pulumi.dev.yaml imports ESC environments, which only pulumi resolves"],
    ["project config", STACK, "name: switchyard\nconfig:\n  switchyard:namespace: {default: shop}\n", "Pulumi.yaml declares project config, which only pulumi merges"],
    ["a secret kubeconfig", STACK.replace("kubernetes:kubeconfig: cluster/kubeconfig.yaml", "kubernetes:kubeconfig:\n    secure: v1:x"), undefined, "kubernetes:kubeconfig is a secret, which only pulumi decrypts"],
  ])("leaves the reading to pulumi for %s", (_label, stackFile, projectFile, reason) => {
    const dir = projectFile === undefined || projectFile === "Pulumi.yaml" ? project(stackFile) : project(stackFile, projectFile);
    expect(readLocalConfig(dir, "dev")).toEqual({ unavailable: reason });
  });

  it("refuses a bad config with the program's own problems", () => {
    expect(() => readLocalConfig(project(STACK.replace("canary: 25", "canary: 250")), "dev")).toThrow(ConfigError);
  });
});
