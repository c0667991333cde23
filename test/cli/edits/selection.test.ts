import { describe, expect, it } from "vitest";
import { UsageError } from "../../../cli/context/errors";
import { promoteEdit, rollbackEdit } from "../../../cli/edits/releaseEdits";
import { selectEdits } from "../../../cli/edits/selection";
import { parseStackConfig } from "../../../model/config/parse";
import { ConfigError } from "../../../model/config/problems";
import { NO_CONTEXT } from "../../../model/config/context";
import { validRawConfig } from "../../helpers/fixtures";

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
