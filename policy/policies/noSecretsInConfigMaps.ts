import type { ResourceValidationPolicy } from "@pulumi/policy";
import { field, isObject, isUnknown } from "../lib/data";
import { knownData } from "../lib/knownValues";
import { describeResource, TYPES } from "../lib/kubernetes";
import { violationMessage } from "../lib/messages";
import { optionsWithDefaults } from "../lib/options";
import { switchyardColorOf } from "../lib/switchyard";

interface NoSecretsInConfigMapsOptions {
  /** Words that make an environment key look like a credential; matched against the key's words, case-insensitively. */
  readonly credentialWords: readonly string[];
  /** Keys that contain such a word but hold no secret, e.g. CACHE_KEY_PREFIX. */
  readonly allowedKeys: readonly string[];
}

const NO_SECRETS_IN_CONFIGMAPS_DEFAULTS: NoSecretsInConfigMapsOptions = {
  credentialWords: [
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "key",
    "apikey",
    "credential",
    "credentials",
    "privatekey",
    "dsn",
  ],
  allowedKeys: [],
};

/** DB_PASSWORD, dbPassword and db.password all become ["db", "password"]. */
function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.toLowerCase());
}

export const noSecretsInConfigMaps: ResourceValidationPolicy = {
  name: "no-secrets-in-configmaps",
  description:
    "A switchyard color's ConfigMap holds no keys that look like credentials; those belong in switchyard:secrets, which become Kubernetes Secrets.",
  configSchema: {
    properties: {
      credentialWords: {
        type: "array",
        items: { type: "string" },
        default: [...NO_SECRETS_IN_CONFIGMAPS_DEFAULTS.credentialWords],
        description: "Words (case-insensitive) that make a key look like a credential.",
      },
      allowedKeys: {
        type: "array",
        items: { type: "string" },
        default: [...NO_SECRETS_IN_CONFIGMAPS_DEFAULTS.allowedKeys],
        description: "Keys that contain such a word but hold no secret.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.configMap) return;
    const props = knownData(args.props);
    const owner = switchyardColorOf(props);
    // Only a color's ConfigMap is fed from switchyard's env; other ConfigMaps are not switchyard's to judge.
    if (owner === undefined) return;
    const data = field(props, "data");
    if (isUnknown(data) || !isObject(data)) return;
    const options = optionsWithDefaults(args, NO_SECRETS_IN_CONFIGMAPS_DEFAULTS);
    const credentialWords = new Set(options.credentialWords.map((word) => word.toLowerCase()));
    for (const key of Object.keys(data)) {
      const word = wordsOf(key).find((candidate) => credentialWords.has(candidate));
      if (word === undefined || options.allowedKeys.includes(key)) continue;
      reportViolation(
        violationMessage({
          resource: describeResource(args.type, props, args.name),
          problem: `holds ${key}, which looks like a credential (the word "${word}"), in plain text`,
          rule: "credentials never go into a ConfigMap, which anyone who can read the namespace's config can read, and which Pulumi stores unencrypted",
          fix:
            `remove services.${owner.service}.${owner.color}.env.${key} and store it encrypted: ` +
            `pulumi config set --secret --path 'secrets.${owner.service}.${owner.color}.${key}' <value> ` +
            "(or list the key in the policy option allowedKeys if it holds no secret)",
        }),
      );
    }
  },
};
