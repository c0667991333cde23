import { describe, expect, it } from "vitest";
import { colorSelector, configMapName, contentHash, podLabels, serviceSelector } from "../../model/naming";

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
