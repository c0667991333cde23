import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { writePlainChanges } from "../../../cli/pulumi/configEdits";

const STACK_FILE = `# dev: a comment the team wrote
config:
  kubernetes:kubeconfig: .switchyard/kubeconfig.yaml
  switchyard:services:
    checkout:
      image: registry.example.com/shop/checkout # trailing comment
      blue:
        version: 1.4.2
        env: {FEATURE_NEW_CART: "false", LOG_LEVEL: info}
      green:
        version: 1.5.0
        note: new cart
      canary: 0
      live: blue
encryptionsalt: v1:abc
`;

describe("writing a release's config changes into the stack file without a pulumi process per key", () => {
  it("changes only the lines of the keys it sets, keeping comments, order and the file's flow maps", () => {
    const { text, viaPulumi } = writePlainChanges(STACK_FILE, [
      { key: "services.checkout.canary", set: { type: "int", value: 25 } },
      { key: "services.checkout.blue.env.JAVA_OPTS", set: { type: "string", value: "-Xmx512m" } },
    ]);
    expect(viaPulumi).toEqual([]);
    expect(text).toBe(
      STACK_FILE.replace("canary: 0", "canary: 25").replace('LOG_LEVEL: info}', 'LOG_LEVEL: info, JAVA_OPTS: -Xmx512m}'),
    );
  });

  it("stores each value with the type pulumi config set --type gives it: a number-like string stays a string", () => {
    const { text } = writePlainChanges(STACK_FILE, [
      { key: "services.checkout.green.version", set: { type: "string", value: "1.10" } },
      { key: "services.checkout.green.env.CACHE_TTL_SECONDS", set: { type: "string", value: "60" } },
      { key: "services.checkout.green.env.ENABLED", set: { type: "string", value: "true" } },
      { key: "services.checkout.replicas", set: { type: "int", value: 3 } },
    ]);
    const checkout = parse(text).config["switchyard:services"].checkout;
    expect(checkout.green.version).toBe("1.10");
    expect(checkout.green.env).toEqual({ CACHE_TTL_SECONDS: "60", ENABLED: "true" });
    expect(checkout.replicas).toBe(3);
  });

  it("removes keys, and a key that is already gone is no error", () => {
    const { text } = writePlainChanges(STACK_FILE, [{ key: "services.checkout.green.note" }, { key: "services.checkout.green.commit" }]);
    expect(text).toBe(STACK_FILE.replace("        note: new cart\n", ""));
  });

  it("creates the maps a new key needs, under the switchyard namespace", () => {
    const { text } = writePlainChanges("config: {}\n", [{ key: "services.catalog.canary", set: { type: "int", value: 5 } }]);
    expect(parse(text)).toEqual({ config: { "switchyard:services": { catalog: { canary: 5 } } } });
  });

  it("leaves secrets, and keys that are not plain dotted paths, to pulumi config set", () => {
    const secret = { key: "secrets.checkout.green.DB_PASSWORD", set: { type: "secret", value: "s3cret" } } as const;
    const quoted = { key: 'services.checkout.green.env["A.B"]', set: { type: "string", value: "x" } } as const;
    const { text, viaPulumi } = writePlainChanges(STACK_FILE, [secret, quoted]);
    expect(viaPulumi).toEqual([secret, quoted]);
    expect(text).toBe(STACK_FILE);
    expect(text).not.toContain("s3cret");
  });
});
