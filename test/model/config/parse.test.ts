import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../model/config/parse";
import { BUILTIN_DEFAULTS } from "../../../model/config/settings";
import type { ConfigProblem } from "../../../model/config/problems";
import { checkout, configProblems, parsed, validRawConfig } from "../../helpers/fixtures";

function problemsOf(mutate: (raw: Record<string, any>) => void): readonly ConfigProblem[] {
  const raw = validRawConfig();
  mutate(raw);
  return configProblems(() => parseStackConfig(raw));
}

function set(path: string, value: unknown): (raw: Record<string, any>) => void {
  return (raw) => {
    const keys = path.split(".");
    const last = keys.pop()!;
    let node = raw;
    for (const key of keys) node = node[key] ??= {};
    if (value === undefined) delete node[last];
    else node[last] = value;
  };
}

describe("defaults are resolved in one place", () => {
  it("fills every documented default", () => {
    const service = checkout((s) => {
      delete s.port;
      delete s.canary;
      delete s.replicas;
    });
    expect(service).toMatchObject({
      port: BUILTIN_DEFAULTS.port,
      replicas: BUILTIN_DEFAULTS.replicas,
      idleReplicas: BUILTIN_DEFAULTS.replicas,
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: 600,
      canary: 0,
      probes: {
        readiness: { path: "/readyz", initialDelaySeconds: 10, periodSeconds: 5 },
        liveness: { path: "/healthz", failureThreshold: 3 },
      },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    });
    expect(parsed().manageNamespace).toBe(true);
  });

  it("switchyard:defaults sits between the built-ins and the service", () => {
    const config = parsed((raw) => {
      raw.defaults = { replicas: 4, revisionHistoryLimit: 9, probes: { readiness: { periodSeconds: 2 } } };
      delete raw.services.checkout.replicas;
      raw.services.checkout.probes = { readiness: { path: "/ready" } };
    });
    const service = config.services[0]!;
    expect(service.replicas).toBe(4);
    expect(service.revisionHistoryLimit).toBe(9);
    expect(service.probes.readiness).toEqual({ path: "/ready", initialDelaySeconds: 10, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 3 });
  });

  it("idleReplicas defaults to replicas: a full warm standby", () => {
    expect(checkout().idleReplicas).toBe(3);
    expect(checkout((s) => (s.idleReplicas = 1)).idleReplicas).toBe(1);
  });

  it("accepts integers written as text, as hand-edited YAML may hold them", () => {
    expect(checkout((s) => (s.canary = "5")).canary).toBe(5);
  });

  it("stores env values as text in the order given", () => {
    expect(checkout((s) => (s.blue.env = { RETRIES: 3, DEBUG: false })).slots.blue!.env).toEqual({ RETRIES: "3", DEBUG: "false" });
  });

  it("a slot that builds its image gets the default Dockerfile", () => {
    expect(checkout((s) => (s.green.build = { context: "./checkout" })).slots.green!.build).toEqual({ context: "./checkout", dockerfile: "Dockerfile" });
  });
});

describe("bad input names the key, the value and what is allowed", () => {
  it.each([
    ["services.checkout.blue.version", "1.2", /semantic version/],
    ["services.checkout.blue.version", "v1..3", /semantic version/],
    ["services.checkout.blue.version", "", /semantic version/],
    ["services.checkout.blue.version", "v1.4.2", /no leading v/],
    ["services.checkout.blue.version", 1.5, /semantic version/],
    ["services.checkout.blue.tag", "latest", /never latest/],
    ["services.checkout.blue.tag", "stable", /immutable tag/],
    ["services.checkout.blue.digest", "sha256:abc", /sha256:<64 hex/],
    ["services.checkout.image", "registry.example.com/shop/checkout:latest", /without tag or digest/],
    ["services.checkout.canary", 150, /integer from 0 to 100/],
    ["services.checkout.canary", -1, /integer from 0 to 100/],
    ["services.checkout.canary", 2.5, /integer from 0 to 100/],
    ["services.checkout.canary", "five", /integer from 0 to 100/],
    ["services.checkout.live", "red", /blue or green/],
    ["services.checkout.port", 0, /integer from 1 to 65535/],
    ["services.checkout.probes.readiness.path", "readyz", /starting with \//],
    ["services.checkout.resources.limits.memory", "lots", /Kubernetes quantity/],
    ["services.checkout.blue.env.BAD-NAME", "x", /environment variable names/],
    ["services.checkout.blue.schema", "twelve", /semver range/],
    ["namespace", "Shop", /DNS label/],
  ])("%s = %j", (key, value, allowed) => {
    const problems = problemsOf(set(key, value));
    const problem = problems.find((p) => p.key === key || key.startsWith(`${p.key}.`) || p.key.startsWith(key));
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem!.value).toEqual(key.endsWith("BAD-NAME") ? "BAD-NAME" : value);
    expect(problem!.allowed).toMatch(allowed);
  });

  it("a service name that is not a DNS label", () => {
    expect(problemsOf((raw) => (raw.services.Check_Out = raw.services.checkout))).toContainEqual({
      key: "services.Check_Out",
      value: "Check_Out",
      allowed: expect.stringContaining("lower-case DNS label"),
    });
  });

  it("a missing required key is reported as missing", () => {
    const [problem] = problemsOf(set("services.checkout.image", undefined));
    expect(problem).toEqual({ key: "services.checkout.image", value: undefined, allowed: expect.stringMatching(/repository/) });
  });

  it.each([
    ["services.checkout.replcas", 3, "did you mean replicas?"],
    ["services.checkout.blue.verison", "1.0.0", "did you mean version?"],
    ["defaults.revisionHistory", 3, "known here:"],
    ["servics", {}, "did you mean services?"],
  ])("an unknown key %s is an error, not silently ignored", (key, value, hint) => {
    const problems = problemsOf(set(key, value));
    expect(problems).toContainEqual({ key, value, allowed: expect.stringContaining(hint) });
  });

  it("live pointing at a color with no slot", () => {
    expect(problemsOf((raw) => {
      raw.services.checkout.live = "green";
      delete raw.services.checkout.green;
    })).toContainEqual({ key: "services.checkout.live", value: "green", allowed: expect.stringContaining("a color with a slot") });
  });

  it("a canary with only one color", () => {
    expect(problemsOf((raw) => {
      raw.services.checkout.canary = 5;
      delete raw.services.checkout.green;
    })).toContainEqual({ key: "services.checkout.canary", value: 5, allowed: expect.stringContaining("a canary needs both colors") });
  });

  it("replicas 0 while the live color takes traffic", () => {
    expect(problemsOf(set("services.checkout.replicas", 0))).toContainEqual({
      key: "services.checkout.replicas",
      value: 0,
      allowed: expect.stringContaining("at least 1"),
    });
  });

  it("idleReplicas above replicas", () => {
    expect(problemsOf(set("services.checkout.idleReplicas", 4))[0]).toMatchObject({ key: "services.checkout.idleReplicas", value: 4 });
  });

  it("reports every problem found, not only the first", () => {
    const problems = problemsOf((raw) => {
      raw.services.checkout.canary = 150;
      raw.services.checkout.blue.version = "1.2";
      raw.services.checkout.live = "red";
    });
    expect(problems.map((p) => p.key).sort()).toEqual([
      "services.checkout.blue.version",
      "services.checkout.canary",
      "services.checkout.live",
    ]);
  });

  it("the error message lists each problem with key, value and what is allowed", () => {
    const raw = validRawConfig();
    raw.services.checkout.canary = 150;
    expect(() => parseStackConfig(raw)).toThrow(
      "services.checkout.canary: got 150; allowed: an integer from 0 to 100",
    );
  });
});

describe("the schema gate refuses traffic to a color that cannot read the database (B4)", () => {
  const withSchema = (schemaVersion: number, live: string, canary = 0) => (raw: Record<string, any>) => {
    Object.assign(raw.services.checkout, { database: { schemaVersion }, live, canary });
  };

  it("allows the live color whose range contains the schema", () => {
    expect(() => parsed(withSchema(13, "blue"))).not.toThrow();
    expect(() => parsed(withSchema(14, "green"))).not.toThrow();
  });

  it("refuses a rollback onto a color whose range excludes the schema", () => {
    expect(problemsOf(withSchema(14, "blue"))).toEqual([
      {
        key: "services.checkout.live",
        value: "blue",
        allowed: expect.stringContaining('blue runs 1.4.2 with schema ">=12 <14", which cannot run on database schema version 14'),
      },
    ]);
  });

  it("refuses a canary onto an incompatible color", () => {
    expect(problemsOf(withSchema(14, "green", 5))).toEqual([
      expect.objectContaining({ key: "services.checkout.canary", value: 5 }),
    ]);
  });

  it("ignores an idle color's range: it receives no traffic", () => {
    expect(() => parsed(withSchema(14, "green", 0))).not.toThrow();
  });

  it("requires a range on every color with traffic once the schema is set", () => {
    expect(problemsOf((raw) => {
      withSchema(13, "blue")(raw);
      delete raw.services.checkout.blue.schema;
    })).toEqual([expect.objectContaining({ key: "services.checkout.blue.schema", value: undefined })]);
  });
});
