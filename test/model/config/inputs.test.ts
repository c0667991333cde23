import { describe, expect, it } from "vitest";
import type { ConfigContext } from "../../../model/config/context";
import { parseStackConfig } from "../../../model/config/parse";
import { ConfigError, HIDDEN_SECRET, type ConfigProblem } from "../../../model/config/problems";
import { problemsIfAny, validRawConfig } from "../../helpers/fixtures";

/**
 * Inputs that used to slip through or confuse (issue 15, item 9): each is
 * refused before anything registers, with a problem naming the key, the
 * value and what to write instead.
 */

const PLAIN: ConfigContext = { secretKeys: [], renderMode: false };

function problemsOf(mutate: (raw: Record<string, any>) => void, context: ConfigContext = PLAIN): readonly ConfigProblem[] {
  const raw = validRawConfig();
  mutate(raw);
  return problemsIfAny(() => parseStackConfig(raw, context));
}

function messageOf(mutate: (raw: Record<string, any>) => void, context: ConfigContext = PLAIN): string {
  const raw = validRawConfig();
  mutate(raw);
  try {
    parseStackConfig(raw, context);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return "";
}

type Case = [name: string, mutate: (raw: Record<string, any>) => void, expected: { key: string; value: unknown; allowed: RegExp }];

const checkout = (raw: Record<string, any>) => raw.services.checkout;

describe("refused with the key, the value and what to write instead", () => {
  it.each<Case>([
    [
      "version with build metadata",
      (raw) => (checkout(raw).green.version = "1.5.0+build.7"),
      { key: "services.checkout.green.version", value: "1.5.0+build.7", allowed: /without build metadata: '\+' cannot go into an image tag or a Kubernetes label value/ },
    ],
    [
      "tag with build metadata",
      (raw) => (checkout(raw).green.tag = "v1.5.0+build.7"),
      { key: "services.checkout.green.tag", value: "v1.5.0+build.7", allowed: /without build metadata/ },
    ],
    [
      "version too long for a label value",
      (raw) => (checkout(raw).green.version = `1.5.0-${"a".repeat(60)}`),
      { key: "services.checkout.green.version", value: `1.5.0-${"a".repeat(60)}`, allowed: /label value \(at most 63 characters/ },
    ],
    [
      "an emptied slot (green: with nothing under it)",
      (raw) => (checkout(raw).green = null),
      { key: "services.checkout.green", value: null, allowed: /at least its version.*pulumi config rm --path 'services\.checkout\.green'/ },
    ],
    [
      "an unquoted cpu quantity",
      (raw) => (checkout(raw).resources = { requests: { cpu: 0.5 } }),
      { key: "services.checkout.resources.requests.cpu", value: 0.5, allowed: /YAML reads this as a number; write "0\.5" or 500m/ },
    ],
    [
      "an unquoted memory quantity",
      (raw) => (checkout(raw).resources = { limits: { memory: 512 } }),
      { key: "services.checkout.resources.limits.memory", value: 512, allowed: /write "512"/ },
    ],
    [
      "an all-digit short commit read as a YAML integer",
      (raw) => (checkout(raw).blue.commit = 1234567),
      { key: "services.checkout.blue.commit", value: 1234567, allowed: /quote it in the stack file \(commit: "1234567"\)/ },
    ],
    [
      "a cpu request above its limit",
      (raw) => (checkout(raw).resources = { requests: { cpu: "2" }, limits: { cpu: "1500m" } }),
      { key: "services.checkout.resources.requests.cpu", value: "2", allowed: /at most the limit services\.checkout\.resources\.limits\.cpu \(1500m\)/ },
    ],
    [
      "a memory request above its limit",
      (raw) => (checkout(raw).resources = { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } }),
      { key: "services.checkout.resources.requests.memory", value: "1Gi", allowed: /at most the limit .*\(512Mi\)/ },
    ],
    [
      "a request above its limit, both from switchyard:defaults",
      (raw) => (raw.defaults = { resources: { requests: { memory: "300Mi" }, limits: { memory: "256Mi" } } }),
      { key: "defaults.resources.requests.memory", value: "300Mi", allowed: /at most the limit defaults\.resources\.limits\.memory/ },
    ],
    [
      "defaults.idleReplicas above a service's replicas",
      (raw) => {
        raw.defaults = { idleReplicas: 3 };
        checkout(raw).replicas = 1;
      },
      { key: "defaults.idleReplicas", value: 3, allowed: /from 0 to replicas \(1, at services\.checkout\.replicas\).*set services\.checkout\.idleReplicas/ },
    ],
    [
      "defaults.replicas 0",
      (raw) => {
        raw.defaults = { replicas: 0, idleReplicas: 0 };
        delete checkout(raw).replicas;
      },
      { key: "defaults.replicas", value: 0, allowed: /at least 1/ },
    ],
    [
      "a user and password in the Prometheus URL",
      (raw) => (raw.analysis = { prometheus: "http://admin:hunter2@prometheus:9090" }),
      { key: "analysis.prometheus", value: "http://admin:***@prometheus:9090", allowed: /without a user or password/ },
    ],
    [
      "a token as the user of the Prometheus URL",
      (raw) => (raw.analysis = { prometheus: "https://hunter2@prometheus:9090" }),
      { key: "analysis.prometheus", value: "https://***@prometheus:9090", allowed: /without a user or password/ },
    ],
  ])("%s", (_, mutate, expected) => {
    expect(problemsOf(mutate)).toContainEqual({ key: expected.key, value: expected.value, allowed: expect.stringMatching(expected.allowed) });
    expect(messageOf(mutate)).not.toMatch(/Invalid input|expected (object|string), received/);
  });

  it.each<[string, Record<string, unknown>]>([
    ["a request equal to its limit", { requests: { cpu: "1", memory: "256Mi" }, limits: { cpu: "1000m", memory: "256Mi" } }],
    ["a request below its limit in other units", { requests: { cpu: "500m", memory: "128Mi" }, limits: { cpu: "1", memory: "1Gi" } }],
    ["only a request", { requests: { cpu: "4" } }],
  ])("accepts %s", (_, resources) => {
    expect(problemsOf((raw) => (checkout(raw).resources = resources))).toEqual([]);
  });

  it("accepts a pre-release version and a quoted all-digit commit", () => {
    expect(problemsOf((raw) => Object.assign(checkout(raw).green, { version: "1.5.0-rc.1", commit: "1234567" }))).toEqual([]);
  });
});

describe("a secret never lands in plain config, and no message prints one", () => {
  const servicesSecret: ConfigContext = { secretKeys: ["services"], renderMode: false };

  it("a secure: value under services.<svc>.<color>.env makes services a secret key, which is refused, pointing at secrets", () => {
    const mutate = (raw: Record<string, any>) => (checkout(raw).green.env.DB_PASSWORD = "hunter2");
    expect(problemsOf(mutate, servicesSecret)).toEqual([
      { key: "services", value: HIDDEN_SECRET, allowed: expect.stringMatching(/plain values only.*ConfigMap.*pulumi config set --secret --path 'secrets\.<service>\.<color>\.<NAME>'/) },
    ]);
    expect(messageOf(mutate, servicesSecret)).not.toContain("hunter2");
  });

  it.each(["namespace", "defaults"])("%s set with --secret is refused too: it lands in plain text", (key) => {
    expect(problemsOf(() => {}, { secretKeys: [key], renderMode: false })).toContainEqual(
      expect.objectContaining({ key, value: HIDDEN_SECRET, allowed: expect.stringContaining("plain values only") }),
    );
  });

  it("hides the values of other problems under a key set with --secret", () => {
    const mutate = (raw: Record<string, any>) => (checkout(raw).green.env["BAD-NAME"] = "hunter2");
    const problems = problemsOf(mutate, servicesSecret);
    expect(problems).toContainEqual(expect.objectContaining({ key: "services.checkout.green.env.BAD-NAME", value: HIDDEN_SECRET }));
    expect(messageOf(mutate, servicesSecret)).not.toContain("hunter2");
  });

  it("redacts a password in a Prometheus URL even when the URL is wrong in other ways too", () => {
    const mutate = (raw: Record<string, any>) => (raw.analysis = { prometheus: "ftp://admin:hunter2@prometheus:9090" });
    expect(messageOf(mutate)).toContain("ftp://admin:***@prometheus:9090");
    expect(messageOf(mutate)).not.toContain("hunter2");
  });
});

describe("all problems are reported together", () => {
  it("shape problems hide neither the cross-key rules nor the secret checks", () => {
    const problems = problemsOf((raw) => {
      checkout(raw).canary = 150; // shape
      checkout(raw).replicas = 0; // cross-key, same service
      checkout(raw).resources = { requests: { cpu: "2" }, limits: { cpu: "1" } }; // cross-key
      raw.services.catalog = { image: "registry.example.com/shop/catalog", blue: { version: "2.0" }, live: "green" }; // shape + cross-key
      raw.secrets = { checkout: { blue: { TOKEN: "x" } } }; // not stored encrypted
      raw.analysis = { prometheus: "http://u:p@prometheus:9090", window: "2 minutes" }; // shape + credentials
    });
    expect(problems.map((p) => p.key).sort()).toEqual([
      "analysis.prometheus",
      "analysis.window",
      "secrets",
      "services.catalog.blue.version",
      "services.catalog.live",
      "services.checkout.canary",
      "services.checkout.replicas",
      "services.checkout.resources.requests.cpu",
    ]);
  });

  it("a rule that reads a field with a shape problem stays quiet rather than judge a stand-in", () => {
    const problems = problemsOf((raw) => {
      checkout(raw).replicas = "three";
      checkout(raw).idleReplicas = 3;
    });
    expect(problems.map((p) => p.key)).toEqual(["services.checkout.replicas"]);
  });
});

describe("the namespace is never renamed under a running stack", () => {
  const after = (namespace: string): ConfigContext => ({ secretKeys: [], renderMode: false, previous: { namespace } });

  it("refuses a rename, naming both namespaces and both keys", () => {
    const [problem] = problemsOf((raw) => (raw.namespace = "shop2"), after("shop"));
    expect(problem).toEqual({ key: "namespace", value: "shop2", allowed: expect.stringContaining('"shop", the namespace this stack already runs in') });
    expect(problem!.allowed).toContain("switchyard:namespace");
    expect(problem!.allowed).toContain("switchyard:manageNamespace");
    expect(problem!.allowed).toContain("would delete every Deployment in shop");
  });

  it.each<[string, ConfigContext]>([
    ["the same namespace", after("shop")],
    ["a stack with no previous update", PLAIN],
  ])("accepts %s", (_, context) => {
    expect(problemsOf(() => {}, context)).toEqual([]);
  });
});
