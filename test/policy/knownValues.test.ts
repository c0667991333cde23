import { describe, expect, it } from "vitest";
import { path, stringMap, UNKNOWN } from "../../policy/lib/data";
import { knownData } from "../../policy/lib/knownValues";
import { UNKNOWN_DURING_PREVIEW } from "./helpers/fixtures";
import { unknownCheckingProxy } from "./helpers/policySdk";

/** Properties as the analyzer hands them over during a preview: unknowns behind the SDK's proxy. */
const previewProps = (props: Record<string, unknown>) => unknownCheckingProxy(props);

describe("knownData", () => {
  it("copies known properties as they are", () => {
    const props = { metadata: { name: "checkout-blue", labels: { app: "checkout" } }, spec: { replicas: 3, paused: false, ports: [80, 443], empty: null } };
    expect(knownData(previewProps(props))).toEqual(props);
  });

  it("marks each value unknown during a preview, where the SDK's proxy would throw on reading it", () => {
    const props = previewProps({
      metadata: { name: "checkout-blue", namespace: UNKNOWN_DURING_PREVIEW },
      spec: { containers: [{ image: UNKNOWN_DURING_PREVIEW }, UNKNOWN_DURING_PREVIEW], selector: UNKNOWN_DURING_PREVIEW },
    });
    expect(() => (props as any).metadata.namespace).toThrow(/can't be known during preview/);
    expect(knownData(props)).toEqual({
      metadata: { name: "checkout-blue", namespace: UNKNOWN },
      spec: { containers: [{ image: UNKNOWN }, UNKNOWN], selector: UNKNOWN },
    });
  });

  it("lets readers tell unknown from missing", () => {
    const data = knownData(previewProps({ metadata: { labels: { app: "checkout", version: UNKNOWN_DURING_PREVIEW } }, spec: UNKNOWN_DURING_PREVIEW }));
    expect(path(data, "spec", "replicas")).toBe(UNKNOWN);
    expect(path(data, "status", "replicas")).toBeUndefined();
    expect(stringMap(path(data, "metadata", "labels"))).toBe(UNKNOWN);
    expect(stringMap(path(data, "metadata", "annotations"))).toEqual({});
  });
});
