import { describe, expect, it } from "vitest";
import { imageReference, isImmutableTag, isRepository, isSemanticVersion } from "../../model/images";

describe("versions are semantic versions MAJOR.MINOR.PATCH (V1)", () => {
  it.each(["1.2.3", "0.0.1", "10.20.30", "1.5.0-rc.1", "1.5.0+build.7"])("accepts %s", (version) => {
    expect(isSemanticVersion(version)).toBe(true);
  });
  it.each(["1.2", "v1..3", "", "v1.2.3", "1", "1.2.3.4", "latest", "01.2.3", " 1.2.3"])("rejects %j", (version) => {
    expect(isSemanticVersion(version)).toBe(false);
  });
});

describe("image tags are immutable (V2)", () => {
  it.each(["1.2.3", "v1.2.3", "20240520-1423-abc7f9d", "20240520-1423-0123456789abcdef0123456789abcdef01234567"])(
    "accepts %s",
    (tag) => expect(isImmutableTag(tag)).toBe(true),
  );
  it.each(["latest", "stable", "main", "v1", "1.2", "20240520-abc7f9d", "20240520-1423-ABC7F9D", "20240520-1423-abc"])(
    "rejects the mutable-looking tag %s",
    (tag) => expect(isImmutableTag(tag)).toBe(false),
  );
});

describe("repositories carry no tag or digest", () => {
  it.each(["registry.example.com/shop/checkout", "localhost:5000/checkout", "checkout", "a.b/c_d/e-f"])("accepts %s", (r) =>
    expect(isRepository(r)).toBe(true),
  );
  it.each(["registry.example.com/shop/checkout:latest", "checkout@sha256:abc", "Shop/Checkout", "", "a//b"])("rejects %j", (r) =>
    expect(isRepository(r)).toBe(false),
  );
});

describe("imageReference", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  it.each([
    [{ version: "1.4.2" }, "reg.io/shop/checkout:1.4.2"],
    [{ version: "1.4.2", tag: "v1.4.2" }, "reg.io/shop/checkout:v1.4.2"],
    [{ version: "1.4.2", tag: "20240520-1423-abc7f9d" }, "reg.io/shop/checkout:20240520-1423-abc7f9d"],
    [{ version: "1.4.2", digest }, `reg.io/shop/checkout:1.4.2@${digest}`],
  ])("%j -> %s", (pin, expected) => {
    expect(imageReference("reg.io/shop/checkout", pin)).toBe(expected);
  });
});
