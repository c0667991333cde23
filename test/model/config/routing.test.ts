import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../model/config/parse";
import type { ConfigProblem } from "../../../model/config/problems";
import { checkout, configProblems, parsed, validRawConfig } from "../../helpers/fixtures";

const GATEWAY = [{ name: "shop-gateway", namespace: "gateways" }];

function problemsOf(mutate: (raw: Record<string, any>) => void): readonly ConfigProblem[] {
  const raw = validRawConfig();
  mutate(raw);
  return configProblems(() => parseStackConfig(raw));
}

const onlyBlue = (raw: Record<string, any>) => delete raw.services.checkout.green;

describe("the router is chosen per stack, with a per-service override", () => {
  it("is istio unless the stack or the service says otherwise", () => {
    expect(checkout()).toMatchObject({ router: "istio", parentRefs: [], mirror: 0, match: [] });
  });

  it("switchyard:defaults sets it for every service, and a service's own key wins", () => {
    const stack = parsed((raw) => {
      raw.defaults = { router: "gateway-api", parentRefs: GATEWAY };
      raw.services.catalog = { ...raw.services.checkout, router: "istio" };
    });
    expect(stack.services.map((s) => [s.name, s.router, s.parentRefs])).toEqual([
      ["checkout", "gateway-api", GATEWAY],
      ["catalog", "istio", GATEWAY],
    ]);
  });

  it("an unknown router is refused at the key it was written at, saying what is allowed", () => {
    expect(problemsOf((raw) => (raw.services.checkout.router = "nginx"))).toEqual([
      { key: "services.checkout.router", value: "nginx", allowed: expect.stringMatching(/^istio .* or gateway-api /) },
    ]);
    expect(problemsOf((raw) => (raw.defaults = { router: "linkerd" }))).toEqual([
      { key: "defaults.router", value: "linkerd", allowed: expect.stringContaining("gateway-api") },
    ]);
  });

  it("the Gateway API router without parentRefs is refused, naming parentRefs and where the router was chosen", () => {
    expect(problemsOf((raw) => (raw.services.checkout.router = "gateway-api"))).toEqual([
      { key: "services.checkout.parentRefs", value: undefined, allowed: expect.stringContaining("services.checkout.router is gateway-api") },
    ]);
    expect(problemsOf((raw) => (raw.defaults = { router: "gateway-api" }))).toEqual([
      { key: "services.checkout.parentRefs", value: undefined, allowed: expect.stringContaining("defaults.router is gateway-api") },
    ]);
  });

  it("a parentRef needs a name; an empty list is no Gateway at all", () => {
    const refused = problemsOf((raw) => Object.assign(raw.services.checkout, { router: "gateway-api", parentRefs: [{ namespace: "gateways" }] }));
    expect(refused).toEqual([{ key: "services.checkout.parentRefs.0.name", value: undefined, allowed: expect.stringContaining("name is required") }]);
    const empty = problemsOf((raw) => Object.assign(raw.services.checkout, { router: "gateway-api", parentRefs: [] }));
    expect(empty).toEqual([{ key: "services.checkout.parentRefs", value: [], allowed: expect.stringContaining("at least one Gateway") }]);
  });
});

describe("mirroring copies a share of live requests to the idle color", () => {
  it("takes a percentage", () => {
    expect(checkout((s) => (s.mirror = 10)).mirror).toBe(10);
  });

  it("above 100 is refused", () => {
    expect(problemsOf((raw) => (raw.services.checkout.mirror = 150))).toEqual([
      { key: "services.checkout.mirror", value: 150, allowed: expect.stringContaining("an integer from 0 to 100") },
    ]);
  });

  it("on a service with one color is refused: there is no idle color to copy to", () => {
    expect(
      problemsOf((raw) => {
        onlyBlue(raw);
        raw.services.checkout.mirror = 10;
      }),
    ).toEqual([{ key: "services.checkout.mirror", value: 10, allowed: expect.stringContaining("services.checkout.green is not defined") }]);
  });

  it("while a canary runs is refused, naming the rule and the canary's key", () => {
    const [problem] = problemsOf((raw) => Object.assign(raw.services.checkout, { canary: 5, mirror: 10 }));
    expect(problem).toEqual({ key: "services.checkout.mirror", value: 10, allowed: expect.stringContaining("services.checkout.canary is 5") });
    expect(problem!.allowed).toContain('the rule "mirror only to an idle color"');
  });

  it("to an idle color without replicas is refused, naming the key that scaled it to 0", () => {
    expect(problemsOf((raw) => Object.assign(raw.services.checkout, { idleReplicas: 0, mirror: 10 }))).toEqual([
      { key: "services.checkout.mirror", value: 10, allowed: expect.stringContaining("services.checkout.idleReplicas is 0") },
    ]);
  });
});

describe("A/B matches send matching requests to the color that is not live", () => {
  it("take header or cookie conditions", () => {
    const match = [{ header: "x-user-group", exact: "beta" }, { cookie: "beta", exact: "1" }];
    expect(checkout((s) => (s.match = match)).match).toEqual(match);
  });

  it.each([
    ["neither header nor cookie", { exact: "beta" }],
    ["both header and cookie", { header: "x-user-group", cookie: "beta", exact: "beta" }],
  ])("a condition with %s is refused at its key", (_label, condition) => {
    expect(problemsOf((raw) => (raw.services.checkout.match = [{ header: "x-ok", exact: "1" }, condition]))).toEqual([
      { key: "services.checkout.match.1", value: condition, allowed: expect.stringContaining("exactly one of header or cookie") },
    ]);
  });

  it("a condition without a value to match is refused", () => {
    expect(problemsOf((raw) => (raw.services.checkout.match = [{ header: "x-user-group" }]))).toEqual([
      { key: "services.checkout.match.0.exact", value: undefined, allowed: expect.stringContaining("exactly one of header or cookie") },
    ]);
  });

  it("on a service with one color is refused", () => {
    expect(
      problemsOf((raw) => {
        onlyBlue(raw);
        raw.services.checkout.match = [{ header: "x-user-group", exact: "beta" }];
      }),
    ).toEqual([{ key: "services.checkout.match", value: [{ header: "x-user-group", exact: "beta" }], allowed: expect.stringContaining("services.checkout.green is not defined") }]);
  });
});

describe("the schema gate counts A/B-matched and mirrored requests as traffic", () => {
  const idleOnOldSchema = (settings: Record<string, unknown>) => (raw: Record<string, any>) =>
    Object.assign(raw.services.checkout, { database: { schemaVersion: 14 }, live: "green", canary: 0, ...settings });

  it.each([
    ["match", { match: [{ header: "x-user-group", exact: "beta" }] }],
    ["mirror", { mirror: 10 }],
  ])("%s to an idle color that cannot run on the schema is refused at that key", (key, settings) => {
    expect(problemsOf(idleOnOldSchema(settings))).toEqual([
      { key: `services.checkout.${key}`, value: Object.values(settings)[0], allowed: expect.stringContaining('blue runs 1.4.2 with schema ">=12 <14", which cannot run on database schema version 14') },
    ]);
  });

  it("an idle color with neither stays outside the gate", () => {
    expect(() => parsed(idleOnOldSchema({}))).not.toThrow();
  });
});
