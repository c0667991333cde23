import { describe, expect, it } from "vitest";
import { checkEdit } from "../../../cli/edits/apply";
import { applyChanges, canaryEdit, deployEdit, findService, mirrorEdit, promoteEdit, rollbackEdit, type ReleaseEdit } from "../../../cli/edits/releaseEdits";
import type { CurrentConfig } from "../../../cli/pulumi/session";
import { parseStackConfig } from "../../../model/config/parse";
import { configProblems, validRawConfig } from "../../helpers/fixtures";

function current(mutate: (service: Record<string, any>) => void = () => {}, secrets?: Record<string, any>): CurrentConfig {
  const raw = validRawConfig();
  mutate(raw.services.checkout);
  if (secrets !== undefined) raw.secrets = { checkout: secrets };
  const context = { secretKeys: secrets === undefined ? [] : ["secrets"], renderMode: false };
  return { raw, context, values: {}, config: parseStackConfig(raw, context) };
}

const checkout = (config: CurrentConfig) => findService(config.config, "checkout");

const problems = configProblems;

/** The service after the edit, as the program would parse it. */
function after(config: CurrentConfig, edit: ReleaseEdit) {
  return checkEdit(config, edit);
}

describe("deploy puts a version into the idle color without moving traffic", () => {
  it("writes the version into the color that is not live and keeps the weights", () => {
    const config = current();
    const checked = after(config, deployEdit(checkout(config), "1.6.0", { schema: ">=13 <15" }));
    expect(checked.summary).toBe("checkout: deploy 1.6.0 to green");
    expect(checked.diff).toEqual(["checkout: traffic unchanged (blue 100, green 0)", "checkout: green 1.5.0 -> 1.6.0"]);
  });

  it("starts the new version from the live color's config, with overrides", () => {
    const config = current();
    const checked = after(config, deployEdit(checkout(config), "1.6.0", { env: { LOG_LEVEL: "debug" } }));
    expect(findService(checked.next, "checkout").slots.green!.env).toEqual({ FEATURE_NEW_CART: "false", LOG_LEVEL: "debug" });
  });

  it("carries the live color's secret env to the new version, stored as secrets, and drops the idle color's stale ones", () => {
    const config = current(() => {}, {
      blue: { DB_PASSWORD: "live-password", API_TOKEN: "live-token" },
      green: { DB_PASSWORD: "old-password", LEGACY_KEY: "old-key" },
    });
    const edit = deployEdit(checkout(config), "1.6.0");
    const secretChanges = edit.changes.filter((change) => change.key.startsWith("secrets."));
    expect(secretChanges).toEqual([
      { key: "secrets.checkout.green.DB_PASSWORD", set: { type: "secret", value: "live-password" } },
      { key: "secrets.checkout.green.API_TOKEN", set: { type: "secret", value: "live-token" } },
      { key: "secrets.checkout.green.LEGACY_KEY" },
    ]);
    expect(findService(after(config, edit).next, "checkout").slots.green!.secretEnv).toEqual({
      DB_PASSWORD: "live-password",
      API_TOKEN: "live-token",
    });
  });

  it("writes no secret change when the idle color already has the live color's secret env", () => {
    const same = { DB_PASSWORD: "same" };
    const config = current(() => {}, { blue: same, green: same });
    expect(deployEdit(checkout(config), "1.6.0").changes.filter((change) => change.key.startsWith("secrets."))).toEqual([]);
  });

  it("drops what belonged to the slot's previous build: tag, digest, commit, note, schema", () => {
    const config = current((service) => Object.assign(service.green, { tag: "20261118-1002-0f3c2e1", commit: "0f3c2e1", note: "old" }));
    const edit = deployEdit(checkout(config), "1.6.0", { commit: "abcdef1" });
    expect(edit.changes).toEqual(
      expect.arrayContaining([
        { key: "services.checkout.green.version", set: { type: "string", value: "1.6.0" } },
        { key: "services.checkout.green.commit", set: { type: "string", value: "abcdef1" } },
        { key: "services.checkout.green.tag" },
        { key: "services.checkout.green.note" },
        { key: "services.checkout.green.schema" },
      ]),
    );
    const slot = findService(after(config, edit).next, "checkout").slots.green!;
    expect(slot).toMatchObject({ version: "1.6.0", commit: "abcdef1" });
    expect(slot.tag).toBeUndefined();
  });

  it("creates the idle slot of a service that runs one color only", () => {
    const config = current((service) => delete service.green);
    expect(after(config, deployEdit(checkout(config), "2.0.0")).diff).toEqual([
      "checkout: traffic unchanged (blue 100, green 0)",
      "checkout: green (none) -> 2.0.0",
    ]);
  });

  it("refuses while a canary runs on the idle color", () => {
    const config = current((service) => (service.canary = 5));
    expect(problems(() => deployEdit(checkout(config), "1.6.0"))).toEqual([
      {
        key: "services.checkout.canary",
        value: 5,
        allowed: "0 before deploying to green, which serves the canary: finish it with promote or stop it with rollback first",
      },
    ]);
  });

  it("asks for the new build's schema range when the schema gate is on", () => {
    const config = current((service) => (service.database = { schemaVersion: 13 }));
    expect(problems(() => deployEdit(checkout(config), "1.6.0"))[0]).toMatchObject({ key: "services.checkout.green.schema", value: undefined });
  });

  it("rejects a version that is not semver with the program's message", () => {
    const config = current();
    expect(problems(() => after(config, deployEdit(checkout(config), "latest")))[0]).toMatchObject({
      key: "services.checkout.green.version",
      value: "latest",
    });
  });
});

describe("mirror copies requests to the idle color", () => {
  it("sets only the mirror percentage and leaves the weights", () => {
    const config = current();
    const checked = after(config, mirrorEdit(checkout(config), 10));
    expect(checked.summary).toBe("checkout: mirror 10% of requests to green");
    expect(checked.changes).toEqual([{ key: "services.checkout.mirror", set: { type: "int", value: 10 } }]);
    expect(checked.diff).toEqual(["checkout: traffic unchanged (blue 100, green 0)", "checkout: mirrored to the idle color 0% -> 10%"]);
  });

  it("0 stops it", () => {
    const config = current((service) => (service.mirror = 10));
    expect(after(config, mirrorEdit(checkout(config), 0)).summary).toBe("checkout: stop mirroring to green");
  });

  it.each([
    ["during a canary", (service: Record<string, any>) => (service.canary = 5), "services.checkout.canary is 5"],
    ["on a service with one color", (service: Record<string, any>) => delete service.green, "services.checkout.green is not defined"],
    ["to an idle color without replicas", (service: Record<string, any>) => (service.idleReplicas = 0), "idleReplicas is 0"],
  ])("%s is refused by the program's rule", (_label, mutate, says) => {
    const config = current(mutate);
    expect(problems(() => after(config, mirrorEdit(checkout(config), 10)))[0]).toMatchObject({ key: "services.checkout.mirror", value: 10, allowed: expect.stringContaining(says) });
  });
});

describe("canary, promote and rollback", () => {
  it("a canary moves only the weights", () => {
    const config = current();
    const checked = after(config, canaryEdit(checkout(config), 5));
    expect(checked.changes).toEqual([{ key: "services.checkout.canary", set: { type: "int", value: 5 } }]);
    expect(checked.diff).toEqual(["checkout: blue 100 -> 95, green 0 -> 5"]);
  });

  it("a canary on a service without a second color is refused by the program's rule", () => {
    const config = current((service) => delete service.green);
    expect(problems(() => after(config, canaryEdit(checkout(config), 5)))[0]).toMatchObject({ key: "services.checkout.canary", value: 5 });
  });

  it("promote makes the other color live and ends the canary", () => {
    const config = current((service) => (service.canary = 50));
    const checked = after(config, promoteEdit(checkout(config)));
    expect(checked.summary).toBe("checkout: promote green (1.5.0)");
    expect(checked.diff).toEqual(["checkout: blue 50 -> 0, green 50 -> 100"]);
  });

  it("rollback first stops a running canary", () => {
    const config = current((service) => (service.canary = 25));
    const checked = after(config, rollbackEdit(checkout(config)));
    expect(checked.summary).toBe("checkout: roll back the 25% canary on green");
    expect(checked.diff).toEqual(["checkout: blue 75 -> 100, green 25 -> 0"]);
  });

  it("rollback without a canary returns all traffic to the older, warm color", () => {
    const config = current((service) => (service.live = "green"));
    const checked = after(config, rollbackEdit(checkout(config)));
    expect(checked.summary).toBe("checkout: roll back to blue (1.4.2)");
    expect(checked.diff).toEqual(["checkout: blue 0 -> 100, green 100 -> 0"]);
  });

  it("rollback refuses to move forward onto a newer version", () => {
    const config = current();
    expect(problems(() => rollbackEdit(checkout(config)))[0]!.allowed).toContain("green runs 1.5.0, newer than the live 1.4.2");
  });

  it("the schema gate refuses a rollback onto a build that cannot read the current schema", () => {
    const config = current((service) => {
      service.live = "green";
      service.database = { schemaVersion: 14 };
    });
    expect(problems(() => after(config, rollbackEdit(checkout(config))))[0]).toMatchObject({ key: "services.checkout.live", value: "blue" });
  });

  it("an unknown service names the services there are", () => {
    expect(problems(() => findService(current().config, "cart"))).toEqual([
      { key: "services.cart", value: undefined, allowed: "a service of this stack: checkout" },
    ]);
  });
});

describe("applyChanges edits a copy of the raw config like pulumi config set --path", () => {
  it("sets, creates maps on the way, and removes keys without touching the input", () => {
    const raw = { services: { checkout: { canary: 0, green: { note: "x" } } } };
    const result = applyChanges(raw, [
      { key: "services.checkout.canary", set: { type: "int", value: 5 } },
      { key: "services.checkout.blue.env.A", set: { type: "string", value: "1" } },
      { key: "services.checkout.green.note" },
      { key: "services.missing.key" },
    ]);
    expect(result).toEqual({ services: { checkout: { canary: 5, green: {}, blue: { env: { A: "1" } } } } });
    expect(raw.services.checkout).toEqual({ canary: 0, green: { note: "x" } });
  });
});
