import { beforeEach, describe, expect, it } from "vitest";
import { BlueGreenService } from "../../resources/blueGreenService";
import type { ServiceHistory } from "../../model/history";
import { configMapName, contentHash, secretName } from "../../model/naming";
import { checkout } from "../helpers/fixtures";
import { recordRegistrations, type Recorder } from "../helpers/mocks";

const CONFIGMAP = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const KEY = "9d".repeat(32);

const OLD = { FEATURE_NEW_CART: "maybe" };
const NOW = { FEATURE_NEW_CART: "true" };

let recorder: Recorder;
beforeEach(() => {
  recorder = recordRegistrations();
});

async function deployGreen(history: ServiceHistory, secretEnv: Record<string, string> = {}): Promise<void> {
  const service = checkout((s) => (s.revisionHistoryLimit = 2));
  const green = { ...service.slots.green!, secretEnv };
  new BlueGreenService("checkout", { service: { ...service, slots: { ...service.slots, green } }, namespace: "shop", secretNameKey: KEY, history });
  await recorder.settle();
}

const green = (type: string) => recorder.ofType(type).filter((r) => r.inputs.metadata.name.startsWith("checkout-green-"));
const greenPods = () => recorder.byName(DEPLOYMENT, "checkout-green");

describe("a color's older ConfigMaps and Secrets stay as resources of their own (item 8)", () => {
  it("registers the previous content beside the current one, each under a logical name ending in its content hash", async () => {
    await deployGreen({ green: { config: [OLD], secrets: [{}] } });
    expect(green(CONFIGMAP).map((r) => [r.name, r.inputs.metadata.name, r.inputs.immutable]).sort()).toEqual(
      [
        [`checkout-green-config-${contentHash(NOW)}`, configMapName("checkout", "green", NOW), true],
        [`checkout-green-config-${contentHash(OLD)}`, configMapName("checkout", "green", OLD), true],
      ].sort(),
    );
  });

  it("the pods read the current one only, and the Deployment waits for it", async () => {
    await deployGreen({ green: { config: [OLD], secrets: [{}] } });
    const current = recorder.byName(CONFIGMAP, `checkout-green-config-${contentHash(NOW)}`);
    const old = recorder.byName(CONFIGMAP, `checkout-green-config-${contentHash(OLD)}`);
    expect(greenPods().inputs.spec.template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: current.inputs.metadata.name } }]);
    expect(greenPods().dependencies).toContain(current.urn);
    expect(greenPods().dependencies).not.toContain(old.urn);
  });

  it.each<[string, string, string[]]>([
    ["the current ConfigMap takes over the URN older stacks gave it", `checkout-green-config-${contentHash(NOW)}`, ["checkout-green-config"]],
    ["a kept ConfigMap keeps its own URN", `checkout-green-config-${contentHash(OLD)}`, []],
  ])("%s", async (_, name, aliases) => {
    await deployGreen({ green: { config: [OLD], secrets: [{}] } });
    expect(recorder.byName(CONFIGMAP, name).aliasNames).toEqual(aliases);
  });

  it("keeps a Secret the kept revisions read after the color's secrets were removed, but gives the pods none", async () => {
    await deployGreen({ green: { config: [NOW], secrets: [{ TOKEN: "old" }] } });
    expect(green(SECRET).map((r) => r.inputs.metadata.name)).toEqual([secretName("checkout", "green", { TOKEN: "old" }, KEY)]);
    expect(green(SECRET)[0]!.aliasNames).toEqual([]);
    expect(greenPods().inputs.spec.template.spec.containers[0].envFrom.some((source: any) => source.secretRef)).toBe(false);
  });

  it("gives the current Secret the old URN and the pods its name", async () => {
    await deployGreen({ green: { config: [NOW], secrets: [{ TOKEN: "old" }] } }, { TOKEN: "new" });
    const name = secretName("checkout", "green", { TOKEN: "new" }, KEY);
    const current = recorder.byName(SECRET, name);
    expect(current.aliasNames).toEqual(["checkout-green-secret"]);
    expect(greenPods().inputs.spec.template.spec.containers[0].envFrom).toContainEqual({ secretRef: { name } });
    expect(green(SECRET)).toHaveLength(2);
  });

  it("drops what no kept revision can use: revisionHistoryLimit 2 keeps three contents", async () => {
    const older = [1, 2, 3].map((n) => ({ FEATURE_NEW_CART: `v${n}` }));
    await deployGreen({ green: { config: older, secrets: [{}] } });
    expect(green(CONFIGMAP).map((r) => r.inputs.data.FEATURE_NEW_CART).sort()).toEqual(["true", "v1", "v2"]);
  });
});
