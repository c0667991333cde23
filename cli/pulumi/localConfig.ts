import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { configContext, switchyardKeys } from "../../model/config/context";
import { parseStackConfig } from "../../model/config/parse";
import type { CurrentConfig } from "./session";
import type { StackFileReading } from "./stackFile";

/** Stands in for a secret's value, which only `pulumi` can decrypt; no rule of a weight move reads one. */
const SECRET_PLACEHOLDER = "[secret]";

/** The stack config read from the stack file alone, as `pulumi` would hand it to the program. */
export interface LocalConfig extends Pick<CurrentConfig, "raw" | "context" | "config" | "kubeconfig" | "kubeContext"> {
  /** The stack file's bytes this reading came from: a later write is checked against them. */
  readonly reading: StackFileReading;
}

/**
 * Reads the stack config from `Pulumi.<stack>.yaml` without starting
 * `pulumi`, for the fast path: values arrive as `pulumi config` gives them to
 * the program (text, objects as JSON) and go through the program's parser.
 * Returns why not when the file alone does not hold the whole config: a
 * project-level config in Pulumi.yaml, an imported ESC environment, or a
 * secret kubeconfig. A ConfigError is the program's own, as with `pulumi`.
 */
export function readLocalConfig(projectDir: string, stackName: string): LocalConfig | { readonly unavailable: string } {
  const file = path.join(projectDir, `Pulumi.${stackName}.yaml`);
  const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: string; config?: unknown };
  if (project.config !== undefined) return { unavailable: "Pulumi.yaml declares project config, which only pulumi merges" };
  const content = fs.readFileSync(file);
  const stack = (parse(content.toString("utf8")) ?? {}) as { config?: Record<string, unknown>; environment?: unknown };
  if (stack.environment !== undefined) return { unavailable: `${path.basename(file)} imports ESC environments, which only pulumi resolves` };
  const values: Record<string, string> = {};
  const secret = new Set<string>();
  for (const [key, value] of Object.entries(stack.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
    const { plain, hadSecret } = withoutSecrets(value);
    if (hadSecret) secret.add(fullKey);
    values[fullKey] = typeof plain === "object" && plain !== null ? JSON.stringify(plain) : String(plain);
  }
  if (secret.has("kubernetes:kubeconfig")) return { unavailable: "kubernetes:kubeconfig is a secret, which only pulumi decrypts" };
  const raw = switchyardKeys(values);
  const context = configContext(values, (key) => secret.has(key));
  const kubeconfig = values["kubernetes:kubeconfig"];
  const kubeContext = values["kubernetes:context"];
  return {
    reading: { path: file, content },
    raw,
    context,
    config: parseStackConfig(raw, context),
    ...(kubeconfig === undefined ? {} : { kubeconfig }),
    ...(kubeContext === undefined ? {} : { kubeContext }),
  };
}

/** The value with each `{secure: ...}` replaced by a placeholder, and whether there was one. */
function withoutSecrets(value: unknown): { plain: unknown; hadSecret: boolean } {
  let hadSecret = false;
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== "object") return node;
    if (Array.isArray(node)) return node.map(walk);
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length === 1 && entries[0]![0] === "secure") {
      hadSecret = true;
      return SECRET_PLACEHOLDER;
    }
    return Object.fromEntries(entries.map(([key, child]) => [key, walk(child)]));
  };
  const plain = walk(value);
  return { plain, hadSecret };
}
