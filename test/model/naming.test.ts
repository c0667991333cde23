import { describe, expect, it } from "vitest";
import { colorSelector, configMapName, contentHash, keyedContentHash, podLabels, secretName, serviceSelector } from "../../model/naming";

describe("names never depend on the live color", () => {
  it("pod labels contain exactly the color selector plus version metadata", () => {
    const labels = podLabels("checkout", "green", "1.5.0");
    expect(labels).toMatchObject(colorSelector("checkout", "green"));
    expect(labels).toMatchObject(serviceSelector("checkout"));
    expect(labels["app.kubernetes.io/version"]).toBe("1.5.0");
    expect(labels.version).toBe("1.5.0");
  });

  it("the color selector differs between colors and the service selector matches both", () => {
    expect(colorSelector("checkout", "blue")).not.toEqual(colorSelector("checkout", "green"));
    for (const color of ["blue", "green"] as const) {
      expect(colorSelector("checkout", color)).toMatchObject(serviceSelector("checkout"));
    }
  });
});

describe("ConfigMap names change when and only when their content changes", () => {
  const flags = { FEATURE_NEW_CART: "true", LOG_LEVEL: "info" };
  it("is <service>-<color>-<10 hex>", () => {
    expect(configMapName("checkout", "blue", flags)).toMatch(/^checkout-blue-[0-9a-f]{10}$/);
  });
  it("ignores key order", () => {
    expect(contentHash({ LOG_LEVEL: "info", FEATURE_NEW_CART: "true" })).toBe(contentHash(flags));
  });
  it.each([
    [{ ...flags, FEATURE_NEW_CART: "false" }],
    [{ ...flags, EXTRA: "" }],
    [{ LOG_LEVEL: "info" }],
    [{ FEATURE_NEW_CARTtrue: "", LOG_LEVEL: "info" }],
  ])("changes for %j", (changed) => {
    expect(contentHash(changed)).not.toBe(contentHash(flags));
  });
});

describe("Secret names change with the content and reveal nothing about it (item 10)", () => {
  const key = "0f".repeat(32);
  const otherKey = "e1".repeat(32);
  const password = { DB_PASSWORD: "hunter2" };

  it("is <service>-<color>-secret-<10 hex>", () => {
    expect(secretName("checkout", "green", password, key)).toMatch(/^checkout-green-secret-[0-9a-f]{10}$/);
  });

  it("is not the plain content hash, so guessing the value offline finds nothing without the stack's key", () => {
    const name = secretName("checkout", "green", password, key);
    expect(name).not.toContain(contentHash(password));
    expect(keyedContentHash(password, key)).not.toBe(contentHash(password));
  });

  it.each<[string, Record<string, string>, string]>([
    ["another key", password, otherKey],
    ["another value", { DB_PASSWORD: "hunter3" }, key],
    ["another variable", { DB_PASS: "hunter2" }, key],
  ])("differs for %s", (_, data, withKey) => {
    expect(secretName("checkout", "green", data, withKey)).not.toBe(secretName("checkout", "green", password, key));
  });

  it("is stable for the same content and key, in any key order", () => {
    const a = secretName("checkout", "green", { A: "1", B: "2" }, key);
    expect(secretName("checkout", "green", { B: "2", A: "1" }, key)).toBe(a);
  });
});
