import { describe, expect, it } from "vitest";
import { UsageError } from "../../../cli/context/errors";
import { canaryEdit, deployEdit, promoteEdit, rollbackEdit } from "../../../cli/edits/releaseEdits";
import { selectEdits } from "../../../cli/edits/selection";
import { parseStackConfig } from "../../../model/config/parse";
import { ConfigError } from "../../../model/config/problems";
import { NO_CONTEXT } from "../../../model/config/context";
import { configProblems, validRawConfig } from "../../helpers/fixtures";

/** checkout (blue live, green 1.5.0 warm after a promotion back), cart (green live, blue older), catalog (blue only). */
function current() {
  const raw = validRawConfig();
  raw.services.checkout.live = "green";
  raw.services.cart = { image: "registry.example.com/shop/cart", port: 8081, blue: { version: "2.0.0" }, green: { version: "2.1.0" }, live: "green", canary: 0 };
  raw.services.catalog = { image: "registry.example.com/shop/catalog", port: 9090, blue: { version: "3.0.0" }, live: "blue", canary: 0 };
  return { raw, context: NO_CONTEXT, config: parseStackConfig(raw, NO_CONTEXT) };
}

describe("one release command for several services", () => {
  it("makes one edit per named service, checked together, in the order named", () => {
    const { checked, skipped } = selectEdits(current(), { names: ["cart", "checkout"] }, "roll back", rollbackEdit);
    expect(checked.edits.map((edit) => edit.summary)).toEqual(["cart: roll back to blue (2.0.0)", "checkout: roll back to blue (1.4.2)"]);
    expect(checked.summary).toBe("cart: roll back to blue (2.0.0); checkout: roll back to blue (1.4.2)");
    expect(checked.next.services.filter((s) => s.name !== "catalog").map((s) => s.live)).toEqual(["blue", "blue"]);
    expect(skipped).toEqual([]);
  });

  it("refuses the whole command when a named service cannot take the edit", () => {
    expect(() => selectEdits(current(), { names: ["checkout", "catalog"] }, "roll back", rollbackEdit)).toThrow(ConfigError);
  });

  it("with --all, leaves out the services the verb does not apply to, saying why", () => {
    const { checked, skipped } = selectEdits(current(), { all: true }, "roll back", rollbackEdit);
    expect(checked.edits.map((edit) => edit.service)).toEqual(["checkout", "cart"]);
    expect(skipped).toEqual([expect.stringMatching(/^catalog: services\.catalog\.live: got "green"; allowed: /)]);
  });

  it("with --all, promotes every service whose idle color runs a version", () => {
    const { checked, skipped } = selectEdits(current(), { all: true }, "promote", promoteEdit);
    expect(checked.edits.map((edit) => edit.service)).toEqual(["checkout", "cart"]);
    expect(skipped).toHaveLength(1);
  });

  it("with --all, refuses when no service can take the edit", () => {
    const config = current();
    const onlyCatalog = { ...config, config: { ...config.config, services: config.config.services.filter((s) => s.name === "catalog") } };
    expect(() => selectEdits(onlyCatalog, { all: true }, "roll back", rollbackEdit)).toThrow(UsageError);
    expect(() => selectEdits(onlyCatalog, { all: true }, "roll back", rollbackEdit)).toThrow(/^--all: no service of this stack can roll back:\n  catalog: /);
  });
});

describe("--group: every member of a release group in one edit", () => {
  /** checkout and catalog (both colors, blue live) in group cart with lanes, and payments alone. */
  function grouped(mutate: (raw: Record<string, any>) => void = () => {}) {
    const raw = validRawConfig();
    raw.services.catalog = { image: "registry.example.com/shop/catalog", port: 9090, blue: { version: "2.0.1" }, green: { version: "2.1.0" }, live: "blue", canary: 0 };
    raw.services.payments = { image: "registry.example.com/shop/payments", port: 8082, blue: { version: "3.0.0" }, green: { version: "3.1.0" }, live: "blue", canary: 0 };
    raw.groups = { cart: { services: ["checkout", "catalog"], lanes: true } };
    mutate(raw);
    return { raw, context: NO_CONTEXT, config: parseStackConfig(raw, NO_CONTEXT) };
  }

  it("edits every member, in the group's order, as one checked change whose summary names the group", () => {
    const { checked } = selectEdits(grouped(), { group: "cart" }, "canary 25%", (service) => canaryEdit(service, 25));
    expect(checked.edits.map((edit) => edit.service)).toEqual(["checkout", "catalog"]);
    expect(checked.summary).toBe("group cart: checkout: canary 25% to green; catalog: canary 25% to green");
    expect(checked.changes.map((change) => change.key)).toEqual(["services.checkout.canary", "services.catalog.canary"]);
    expect(checked.diff).toEqual(["checkout: blue 100 -> 75, green 0 -> 25", "catalog: blue 100 -> 75, green 0 -> 25"]);
  });

  it("refuses a group the stack does not have, naming the key and the groups it has", () => {
    expect(configProblems(() => selectEdits(grouped(), { group: "shop" }, "promote", promoteEdit))).toEqual([
      { key: "groups.shop", value: undefined, allowed: "a group of this stack: cart" },
    ]);
  });

  it("refuses one member moved alone: the members of a group move together", () => {
    const problems = configProblems(() => selectEdits(grouped(), { names: ["checkout"] }, "canary 25%", (service) => canaryEdit(service, 25)));
    expect(problems.map((problem) => problem.key)).toEqual(["services.catalog.canary"]);
    expect(problems[0]!.allowed).toContain("use switchyard canary --group cart <percent>");
  });

  it("refuses a group canary whose members have different live colors, naming the member's live key", () => {
    const current = grouped((raw) => {
      raw.groups.cart.lanes = false;
      raw.services.catalog.live = "green";
    });
    const problems = configProblems(() => selectEdits(current, { group: "cart" }, "canary 25%", (service) => canaryEdit(service, 25)));
    expect(problems).toEqual([expect.objectContaining({ key: "services.catalog.live", value: "green" })]);
  });

  it("refuses a group promote when one member's schema gate refuses its new color, naming that member's key", () => {
    const current = grouped((raw) => (raw.services.checkout.database = { schemaVersion: 12 }));
    const problems = configProblems(() => selectEdits(current, { group: "cart" }, "promote", promoteEdit));
    expect(problems.map((problem) => problem.key)).toEqual(["services.checkout.live"]);
    expect(problems[0]!.allowed).toContain("green runs 1.5.0 with schema \">=13 <15\", which cannot run on database schema version 12");
  });

  it("narrows a group deploy to the members named, and refuses a name that is not a member", () => {
    const { checked } = selectEdits(grouped(), { group: "cart", only: ["catalog"] }, "deploy", (service) => deployEdit(service, "2.2.0"));
    expect(checked.edits.map((edit) => edit.summary)).toEqual(["catalog: deploy 2.2.0 to green"]);
    const problems = configProblems(() => selectEdits(grouped(), { group: "cart", only: ["payments"] }, "deploy", (service) => deployEdit(service, "3.2.0")));
    expect(problems).toEqual([expect.objectContaining({ key: "groups.cart.services" })]);
    expect(problems[0]!.allowed).toContain("--group cart moves only its members (checkout, catalog)");
  });

  it("with --all, takes a group's members together, so a group canary is not skipped member by member", () => {
    const { checked, skipped } = selectEdits(grouped(), { all: true }, "canary 25%", (service) => canaryEdit(service, 25));
    expect(checked.edits.map((edit) => edit.service)).toEqual(["checkout", "catalog", "payments"]);
    expect(skipped).toEqual([]);
  });
});
