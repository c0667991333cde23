import type { ConfigContext } from "./context";
import { secretKey, slotKey } from "./keys";
import { HIDDEN_SECRET, type ConfigProblem } from "./problems";
import { valueAt } from "./provenance";
import { COLORS } from "./schema";

/** Where secret values go, as the fix every secret problem points at. */
const SECRETS_HOME = "pulumi config set --secret --path 'secrets.<service>.<color>.<NAME>' VALUE";

/**
 * Keys whose values end up in plain text in the cluster (ConfigMaps, labels,
 * annotations, names): a value set there with --secret would be decrypted
 * and written out in the clear, so the key may hold no secret at all.
 */
const PLAIN_KEYS = ["namespace", "manageNamespace", "defaults", "services"] as const;

/**
 * Secrets must be stored encrypted, belong to a deployed color, and never be
 * rendered: in render mode the provider writes Secret manifests in plain text.
 * Secret values are only accepted under `secrets`. Values are never echoed.
 * Reads the raw config, so it also runs when the shape has problems.
 */
export function secretProblems(raw: Readonly<Record<string, unknown>>, context: ConfigContext): ConfigProblem[] {
  return [...plainKeyProblems(context), ...storedSecretProblems(raw, context)];
}

function plainKeyProblems(context: ConfigContext): ConfigProblem[] {
  return PLAIN_KEYS.filter((key) => context.secretKeys.includes(key)).map((key) => ({
    key,
    value: HIDDEN_SECRET,
    allowed:
      key === "services"
        ? "plain values only: a value set with --secret under services (for example services.<service>.<color>.env.<NAME>) " +
          `would be written in plain text into the color's ConfigMap; put it under secrets instead (${SECRETS_HOME}), ` +
          "which becomes a Kubernetes Secret, and set the services values without --secret"
        : `plain values only: ${key} ends up in plain text in the cluster; set it without --secret (secret values belong under secrets: ${SECRETS_HOME})`,
  }));
}

function storedSecretProblems(raw: Readonly<Record<string, unknown>>, context: ConfigContext): ConfigProblem[] {
  const secrets = raw.secrets;
  if (secrets === undefined || secrets === null) return [];
  const hidden = HIDDEN_SECRET;
  const problems: ConfigProblem[] = [];
  if (!context.secretKeys.includes("secrets")) {
    problems.push({ key: "secrets", value: hidden, allowed: `values stored encrypted: set each with ${SECRETS_HOME}` });
  }
  if (context.renderMode) {
    problems.push({
      key: "secrets",
      value: hidden,
      allowed:
        "no secrets while kubernetes:renderYamlToDirectory is set: rendered Secret manifests would hold them in plain text; deploy to a cluster, or remove switchyard:secrets from this stack",
    });
  }
  if (typeof secrets !== "object") return problems;
  for (const [service, colors] of Object.entries(secrets)) {
    for (const color of COLORS) {
      if (valueAt(colors, [color]) !== undefined && valueAt(raw, ["services", service, color]) === undefined) {
        problems.push({
          key: secretKey(service, color),
          value: hidden,
          allowed: `secrets for a deployed color: ${slotKey(service, color)} is not defined`,
        });
      }
    }
  }
  return problems;
}
