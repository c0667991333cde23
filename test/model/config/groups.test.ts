import { describe, expect, it } from "vitest";
import { parsed, problemsIfAny, validRawConfig } from "../../helpers/fixtures";
import { parseStackConfig } from "../../../model/config/parse";

/** checkout (blue 1.4.2 live, green 1.5.0) and catalog (blue 2.0.1 live, green 2.1.0), grouped as cart. */
function cartConfig(group: Record<string, unknown> = { services: ["checkout", "catalog"], lanes: true }): Record<string, any> {
  const raw = validRawConfig();
  raw.services.catalog = {
    image: "registry.example.com/shop/catalog",
    port: 9090,
    blue: { version: "2.0.1" },
    green: { version: "2.1.0" },
    live: "blue",
    canary: 0,
  };
  raw.groups = { cart: group };
  return raw;
}

const problems = (mutate: (raw: Record<string, any>) => void, group?: Record<string, unknown>) => {
  const raw = cartConfig(group);
  mutate(raw);
  return problemsIfAny(() => parseStackConfig(raw));
};

describe("release groups in the stack config", () => {
  it("resolves a group and tells each member which group it is in and whether it has lanes", () => {
    const config = parseStackConfig(cartConfig());
    expect(config.groups).toEqual([{ name: "cart", services: ["checkout", "catalog"], lanes: true }]);
    expect(config.services.map((service) => [service.name, service.group])).toEqual([
      ["checkout", { name: "cart", lanes: true }],
      ["catalog", { name: "cart", lanes: true }],
    ]);
  });

  it("has no groups by default, and lanes off unless asked for", () => {
    expect(parsed().groups).toEqual([]);
    expect(parsed().services[0]!.group).toBeUndefined();
    expect(parseStackConfig(cartConfig({ services: ["checkout", "catalog"] })).groups[0]!.lanes).toBe(false);
  });

  it("accepts members moving together: the same canary on the same live color", () => {
    expect(problems((raw) => {
      raw.services.checkout.canary = 25;
      raw.services.catalog.canary = 25;
    })).toEqual([]);
  });

  it("refuses a service in two groups, naming the second group's key", () => {
    expect(problems((raw) => (raw.groups.search = { services: ["catalog"] }))).toEqual([
      { key: "groups.search.services", value: "catalog", allowed: "services in no other group: catalog is already in groups.cart.services (a service belongs to at most one group)" },
    ]);
  });

  it("refuses a group naming a service the stack does not have", () => {
    expect(problems(() => {}, { services: ["checkout", "ghost"] })).toEqual([
      { key: "groups.cart.services", value: "ghost", allowed: "names of services of this stack (checkout, catalog); ghost is not one" },
    ]);
  });

  it("refuses a one-color member of a group with lanes, naming the missing slot", () => {
    expect(problems((raw) => delete raw.services.catalog.green)).toEqual([
      {
        key: "services.catalog.green",
        value: undefined,
        allowed:
          "a slot with a version: groups.cart.lanes is true, so every member of cart runs both colors (a request in the green lane must find a green catalog); deploy one, or set groups.cart.lanes to false",
      },
    ]);
  });

  it("accepts a one-color member of a group without lanes while no canary runs", () => {
    expect(problems((raw) => delete raw.services.catalog.green, { services: ["checkout", "catalog"], lanes: false })).toEqual([]);
  });

  it("refuses a member whose canary differs from the group's", () => {
    expect(problems((raw) => (raw.services.checkout.canary = 25))).toEqual([
      {
        key: "services.catalog.canary",
        value: 0,
        allowed: "25, the canary of checkout: the members of groups.cart (checkout, catalog) move together; use switchyard canary --group cart <percent>",
      },
    ]);
  });

  it("refuses members with different live colors at a group canary", () => {
    const found = problems(
      (raw) => {
        raw.services.catalog.live = "green";
        raw.services.checkout.canary = 25;
        raw.services.catalog.canary = 25;
      },
      { services: ["checkout", "catalog"], lanes: false },
    );
    expect(found).toEqual([
      {
        key: "services.catalog.live",
        value: "green",
        allowed:
          "blue, the live color of checkout: a group canary sends the same color of every member, so the members of groups.cart (checkout, catalog) need one live color; move them together with switchyard promote|rollback --group cart",
      },
    ]);
  });

  it("allows different live colors in a group without lanes while no canary runs, but never with lanes", () => {
    const differentLive = (raw: Record<string, any>) => (raw.services.catalog.live = "green");
    expect(problems(differentLive, { services: ["checkout", "catalog"], lanes: false })).toEqual([]);
    expect(problems(differentLive).map((problem) => problem.key)).toEqual(["services.catalog.live"]);
    expect(problems(differentLive)[0]!.allowed).toContain("with groups.cart.lanes true a request keeps its color at every member");
  });

  it("reports a malformed group by its key and what is allowed", () => {
    const found = problems(() => {}, { services: "checkout", lanes: "yes" });
    expect(found.map((problem) => problem.key).sort()).toEqual(["groups.cart.lanes", "groups.cart.services"]);
  });
});
