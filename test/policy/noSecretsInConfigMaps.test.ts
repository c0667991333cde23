import { describe, expect, it } from "vitest";
import { noSecretsInConfigMaps } from "../../policy/policies/noSecretsInConfigMaps";
import { checkout } from "../helpers/fixtures";
import { inPreview, switchyardResources, TYPES, UNKNOWN_DURING_PREVIEW, type ConfigMapProps } from "./helpers/fixtures";
import { checkEachResource, checkResource } from "./helpers/runPolicy";

/** switchyard's resources with green's env replaced. */
const greenEnv = (env: Record<string, string>) => switchyardResources(checkout((service) => (service.green.env = env)));
/** Green's ConfigMap; its logical name ends in its content hash. */
const greenConfigMap = async (env: Record<string, string>) =>
  (await greenEnv(env)).find((resource) => resource.type === TYPES.configMap && resource.name.startsWith("checkout-green-config-"))!;
const reportedKeys = async (env: Record<string, string>, options = {}) =>
  (await checkResource(noSecretsInConfigMaps, await greenConfigMap(env), options)).map((v) => /holds (\S+),/.exec(v.what)?.[1]);

describe("no-secrets-in-configmaps", () => {
  it("accepts switchyard's feature flags", async () => {
    expect(await checkEachResource(noSecretsInConfigMaps, await greenEnv({ FEATURE_NEW_CART: "true", LOG_LEVEL: "info", CACHE_TTL_SECONDS: "60" }))).toEqual([]);
  });

  it("reports a password in a color's env, pointing at switchyard:secrets", async () => {
    const configMap = await greenConfigMap({ FEATURE_NEW_CART: "true", DB_PASSWORD: "hunter2" });
    const name = (configMap.props as ConfigMapProps).metadata!.name;
    expect(await checkResource(noSecretsInConfigMaps, configMap)).toEqual([
      {
        what: `ConfigMap shop/${name} holds DB_PASSWORD, which looks like a credential (the word "password"), in plain text`,
        rule: "credentials never go into a ConfigMap, which anyone who can read the namespace's config can read, and which Pulumi stores unencrypted",
        fix: "remove services.checkout.green.env.DB_PASSWORD and store it encrypted: pulumi config set --secret --path 'secrets.checkout.green.DB_PASSWORD' <value> (or list the key in the policy option allowedKeys if it holds no secret)",
      },
    ]);
  });

  it("recognises credential words in any spelling of a key, but not inside other words", async () => {
    const env = { apiKey: "x", GITHUB_TOKEN: "x", OAUTH_CLIENT_SECRET: "x", AWS_CREDENTIALS: "x", MONKEY_COUNT: "3", SECRETARY: "x", KEYBOARD: "us" };
    expect(await reportedKeys(env)).toEqual(["AWS_CREDENTIALS", "GITHUB_TOKEN", "OAUTH_CLIENT_SECRET", "apiKey"]);
  });

  it("follows the configured words and allowed keys", async () => {
    expect(await reportedKeys({ CACHE_KEY_PREFIX: "cart:" })).toEqual(["CACHE_KEY_PREFIX"]);
    expect(await reportedKeys({ CACHE_KEY_PREFIX: "cart:" }, { allowedKeys: ["CACHE_KEY_PREFIX"] })).toEqual([]);
    expect(await reportedKeys({ SIGNING_SALT: "x" }, { credentialWords: ["salt"] })).toEqual(["SIGNING_SALT"]);
  });

  it("leaves ConfigMaps that are not a switchyard color's alone", async () => {
    const configMap = await greenConfigMap({ DB_PASSWORD: "hunter2" });
    delete (configMap.props as ConfigMapProps).metadata!.labels!["switchyard.dev/color"];
    expect(await checkResource(noSecretsInConfigMaps, configMap)).toEqual([]);
  });

  it("does not judge data that is not known during a preview", async () => {
    const configMap = await greenConfigMap({ DB_PASSWORD: "hunter2" });
    expect(await checkResource(noSecretsInConfigMaps, inPreview(configMap, (props) => (props.data = UNKNOWN_DURING_PREVIEW)))).toEqual([]);
  });
});
