import { describe, expect, it } from "vitest";
import { colorContents, type ContentMemory } from "../../model/contents";
import type { ColorHistory, Env } from "../../model/history";
import { configMapName, secretName } from "../../model/naming";
import { planService } from "../../model/plan";
import { checkout } from "../helpers/fixtures";

const KEY = "3c".repeat(32);
const A: Env = { FLAG: "a" };
const B: Env = { FLAG: "b" };
const C: Env = { FLAG: "c" };
const D: Env = { FLAG: "d" };

/** Green's contents after an update with `env` (and `secretEnv`), given what green used before. */
function green(env: Env, previous?: ColorHistory, options: { revisionHistoryLimit?: number; secretEnv?: Env } = {}) {
  const service = checkout((s) => {
    s.green.env = env;
    s.revisionHistoryLimit = options.revisionHistoryLimit ?? 2;
  });
  const withSecrets = { ...service, slots: { ...service.slots, green: { ...service.slots.green!, secretEnv: options.secretEnv ?? {} } } };
  const plan = planService(withSecrets).colors.find((color) => color.color === "green")!;
  const memory: ContentMemory = { secretNameKey: KEY, ...(previous === undefined ? {} : { previous }) };
  return colorContents(withSecrets, plan, memory);
}

const cm = (env: Env) => configMapName("checkout", "green", env);
const sec = (env: Env) => secretName("checkout", "green", env, KEY);
const history = (config: Env[], secrets: Env[] = config.map(() => ({}))): ColorHistory => ({ config, secrets });

describe("a color keeps the ConfigMaps of every revision rollout undo can return to (item 8)", () => {
  it.each<[string, Env, ColorHistory | undefined, number, Env[]]>([
    ["a first update keeps only the current content", A, undefined, 2, [A]],
    ["an env change keeps the previous content after the current one", B, history([A]), 2, [B, A]],
    ["revisionHistoryLimit 2 keeps the current and 2 older contents", D, history([C, B, A]), 2, [D, C, B]],
    ["revisionHistoryLimit 0 keeps the current content only", B, history([A]), 0, [B]],
    ["returning to an older content moves it to the front without a duplicate", A, history([C, B, A]), 2, [A, C, B]],
    ["an update without an env change keeps the history as it was", C, history([C, B, A]), 2, [C, B, A]],
    ["a lowered limit drops the oldest", C, history([C, B, A]), 1, [C, B]],
  ])("%s", (_, env, previous, limit, kept) => {
    const contents = green(env, previous, { revisionHistoryLimit: limit });
    expect(contents.configMaps.map((c) => c.name)).toEqual(kept.map(cm));
    expect(contents.configMaps.map((c) => c.data)).toEqual(kept);
    expect(contents.configMap.name).toBe(cm(env));
    expect(contents.history.config).toEqual(kept);
  });

  it("names stay those of the content, so a kept ConfigMap is never renamed", () => {
    expect(green(B, history([A])).configMaps[1]!.name).toBe(green(A).configMap.name);
  });

  it("a promotion changes no content and so no name", () => {
    const service = checkout((s) => Object.assign(s, { live: "green", canary: 0 }));
    const plan = planService(service).colors.find((color) => color.color === "green")!;
    expect(colorContents(service, plan, { secretNameKey: KEY }).configMap.name).toBe(green({ FEATURE_NEW_CART: "true" }).configMap.name);
  });
});

describe("a color keeps the Secrets of its kept revisions too", () => {
  it.each<[string, Env, ColorHistory | undefined, string[], boolean]>([
    ["a first update with secrets", { TOKEN: "1" }, undefined, [sec({ TOKEN: "1" })], true],
    ["a changed secret keeps the previous Secret", { TOKEN: "2" }, history([A], [{ TOKEN: "1" }]), [sec({ TOKEN: "2" }), sec({ TOKEN: "1" })], true],
    ["secrets removed: the Secret stays for the revisions that read it", {}, history([A], [{ TOKEN: "1" }]), [sec({ TOKEN: "1" })], false],
    [
      "a content without a Secret takes one of the kept places like any other",
      { TOKEN: "9" },
      history([A], [{}, { TOKEN: "1" }, { TOKEN: "0" }]),
      [sec({ TOKEN: "9" }), sec({ TOKEN: "1" })],
      true,
    ],
  ])("%s", (_, secretEnv, previous, kept, current) => {
    const contents = green(A, previous, { secretEnv });
    expect(contents.secrets.map((s) => s.name)).toEqual(kept);
    expect(contents.secret !== undefined).toBe(current);
    if (current) expect(contents.secret!.name).toBe(sec(secretEnv));
  });

  it("refuses to name a Secret without the stack's key", () => {
    const service = checkout();
    const withSecrets = { ...service, slots: { ...service.slots, green: { ...service.slots.green!, secretEnv: { TOKEN: "1" } } } };
    const plan = planService(withSecrets).colors.find((color) => color.color === "green")!;
    expect(() => colorContents(withSecrets, plan, { secretNameKey: "" })).toThrow(/no Secret naming key/);
  });
});
