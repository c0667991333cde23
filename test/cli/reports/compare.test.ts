import { describe, expect, it } from "vitest";
import { compareColors, compareGroup, formatComparison, formatGroupComparison } from "../../../cli/reports/compare";
import { parseStackConfig } from "../../../model/config/parse";
import type { ServiceConfig } from "../../../model/config/settings";
import { checkout, configProblems, validRawConfig } from "../../helpers/fixtures";

/** checkout with secret env per color, parsed as a stack whose `secrets` key is stored encrypted. */
function withSecrets(secrets: Record<string, Record<string, string>>): ServiceConfig {
  const raw = validRawConfig();
  raw.secrets = { checkout: secrets };
  return parseStackConfig(raw, { secretKeys: ["secrets"], renderMode: false }).services[0]!;
}

describe("compare: the live color against the other one (requirement V4)", () => {
  it("names the version step and direction, and what a promotion would change", () => {
    const comparison = compareColors(
      checkout((service) => {
        service.blue.commit = "0f3c2e1";
        service.green.commit = "9a8b7c6";
        service.green.env = { FEATURE_NEW_CART: "true", NEW_SEARCH: "on" };
        service.blue.env = { FEATURE_NEW_CART: "false", LEGACY_PRICING: "1" };
      }),
    );
    expect(comparison).toMatchObject({
      service: "checkout",
      from: { color: "blue", version: "1.4.2", weight: 100, commit: "0f3c2e1", image: "registry.example.com/shop/checkout:1.4.2" },
      to: { color: "green", version: "1.5.0", weight: 0, commit: "9a8b7c6", image: "registry.example.com/shop/checkout:1.5.0" },
      versionStep: "minor",
      direction: "upgrade",
      env: { added: { NEW_SEARCH: "on" }, removed: ["LEGACY_PRICING"], changed: { FEATURE_NEW_CART: { from: "false", to: "true" } } },
    });
    expect(formatComparison(comparison)).toBe(
      [
        "checkout: blue (live, 100%) -> green (0%)",
        "  version  1.4.2 -> 1.5.0 (minor upgrade)",
        "  image    registry.example.com/shop/checkout:1.4.2 -> registry.example.com/shop/checkout:1.5.0",
        "  replicas 3 (same)",
        "  commit   0f3c2e1 -> 9a8b7c6",
        "  note     (none)",
        '  schema   >=12 <14 -> >=13 <15',
        "  env      FEATURE_NEW_CART false -> true, +NEW_SEARCH=on, -LEGACY_PRICING",
        "  secrets  none",
      ].join("\n"),
    );
  });

  it("says when the other color is an older version, as after a promotion", () => {
    const comparison = compareColors(checkout((service) => (service.live = "green")));
    expect(comparison).toMatchObject({ from: { color: "green" }, to: { color: "blue" }, versionStep: "minor", direction: "downgrade" });
    expect(formatComparison(comparison)).toContain("version  1.5.0 -> 1.4.2 (minor downgrade)");
  });

  it("warns that a major version step may break the API for callers", () => {
    const comparison = compareColors(checkout((service) => (service.green.version = "2.0.0")));
    expect(formatComparison(comparison)).toContain("version  1.4.2 -> 2.0.0 (major upgrade; the API may be incompatible: check every caller first)");
    expect(formatComparison(compareColors(checkout()))).not.toContain("API");
  });

  it("with the schema gate on, says whether the other color can run on the database's schema", () => {
    const gated = (schemaVersion: number) => compareColors(checkout((service) => (service.database = { schemaVersion })));
    expect(gated(13).to.runsOnCurrentSchema).toBe(true);
    expect(formatComparison(gated(13))).toContain("schema   >=12 <14 -> >=13 <15; green can run on the database's schema 13");
    const liveGreen = compareColors(
      checkout((service) => {
        service.live = "green";
        service.database = { schemaVersion: 14 };
      }),
    );
    expect(liveGreen.to).toMatchObject({ color: "blue", runsOnCurrentSchema: false });
    expect(formatComparison(liveGreen)).toContain("blue cannot run on the database's schema 14");
  });

  it("compares secret env by value but shows names only", () => {
    const comparison = compareColors(
      withSecrets({
        blue: { DB_PASSWORD: "old-password", API_TOKEN: "same-token", LEGACY_KEY: "k1" },
        green: { DB_PASSWORD: "new-password", API_TOKEN: "same-token", SEARCH_KEY: "k2" },
      }),
    );
    expect(comparison.secrets).toEqual({ added: ["SEARCH_KEY"], removed: ["LEGACY_KEY"], changed: ["DB_PASSWORD"], unchanged: ["API_TOKEN"] });
    const shown = formatComparison(comparison) + JSON.stringify(comparison);
    expect(shown).toContain("secrets  DB_PASSWORD changed, +SEARCH_KEY, -LEGACY_KEY (values not shown)");
    for (const value of ["old-password", "new-password", "same-token", "k1", "k2"]) expect(shown).not.toContain(value);
    const same = compareColors(withSecrets({ blue: { DB_PASSWORD: "p" }, green: { DB_PASSWORD: "p" } }));
    expect(formatComparison(same)).toContain("secrets  same: DB_PASSWORD (values not shown)");
  });

  it("refuses a service that runs one color only, naming the missing color's key and what to do", () => {
    expect(configProblems(() => compareColors(checkout((service) => delete service.green)))).toEqual([
      {
        key: "services.checkout.green",
        value: undefined,
        allowed: "a deployed green color to compare with the live blue: deploy a version to it first (switchyard deploy checkout <version>)",
      },
    ]);
  });
});

describe("compare --group: every member, and the schema gate for the group's promote", () => {
  const members = (checkoutSchemaVersion?: number) => {
    const raw = validRawConfig();
    raw.services.catalog = { image: "registry.example.com/shop/catalog", port: 9090, blue: { version: "2.0.1" }, green: { version: "2.2.0" }, live: "blue", canary: 0 };
    if (checkoutSchemaVersion !== undefined) raw.services.checkout.database = { schemaVersion: checkoutSchemaVersion };
    raw.groups = { cart: { services: ["checkout", "catalog"] } };
    return parseStackConfig(raw).services;
  };

  it("compares each member and says the group's promote passes the schema gate", () => {
    const comparison = compareGroup("cart", members(13));
    expect(comparison.members.map((member) => [member.service, member.to.version])).toEqual([["checkout", "1.5.0"], ["catalog", "2.2.0"]]);
    expect(comparison.schemaRefuses).toEqual([]);
    const lines = formatGroupComparison(comparison).split("\n");
    expect(lines[0]).toBe("group cart: checkout, catalog");
    expect(lines).toContain("checkout: blue (live, 100%) -> green (0%)");
    expect(lines).toContain("catalog: blue (live, 100%) -> green (0%)");
    expect(lines.at(-1)).toBe("schema gate: every member's other color can run on its database's schema (or it has no schema gate)");
  });

  it("names the member whose new color cannot run on its database's schema", () => {
    const comparison = compareGroup("cart", members(12));
    expect(comparison.schemaRefuses).toEqual(["checkout"]);
    expect(formatGroupComparison(comparison).split("\n").at(-1)).toBe("schema gate: promote --group cart would be refused: checkout cannot run on the database's schema");
  });

  it("reports every one-color member together, by key", () => {
    const [checkoutService, catalogService] = members();
    const oneColor = { ...catalogService!, slots: { blue: catalogService!.slots.blue! } };
    expect(configProblems(() => compareGroup("cart", [checkoutService!, oneColor])).map((problem) => problem.key)).toEqual(["services.catalog.green"]);
  });
});
