import { describe, expect, it } from "vitest";
import { backendAhead, describeStaleKey, leafValues, type RecordedUpdate } from "../../../cli/edits/staleness";

const services = (canary: number, live = "blue") => JSON.stringify({ checkout: { live, canary, blue: { version: "1.4.2" } } });

function update(version: number, canary: number, message = `update ${version}`, live = "blue"): RecordedUpdate {
  return {
    version,
    kind: "update",
    result: "succeeded",
    message,
    startTime: `2026-11-30T10:0${version}:00.000Z`,
    config: { "switchyard:services": { value: services(canary, live), secret: false }, "switchyard:namespace": { value: "shop", secret: false } },
  };
}

const file = (canary: number, live = "blue") =>
  leafValues({ "switchyard:services": { value: services(canary, live) }, "switchyard:namespace": { value: "shop" } });

describe("a clone's stack file against the backend's stack history", () => {
  it("reads leaf keys of the switchyard config, leaving out secrets and other namespaces", () => {
    const leaves = leafValues({
      "switchyard:services": { value: services(5) },
      "switchyard:secrets": { value: "[secret]", secret: true },
      "kubernetes:kubeconfig": { value: "/tmp/kubeconfig" },
    });
    expect(Object.fromEntries(leaves)).toEqual({
      "services.checkout.live": '"blue"',
      "services.checkout.canary": "5",
      "services.checkout.blue.version": '"1.4.2"',
    });
  });

  it("finds nothing when the file holds what the last update ran with", () => {
    expect(backendAhead([update(3, 25), update(2, 5)], file(25))).toEqual([]);
  });

  it("finds a key whose file value is one the backend held before a colleague's update changed it", () => {
    const stale = backendAhead([update(3, 25, "checkout: canary 25% to green by ann@laptop"), update(2, 5), update(1, 0)], file(5));
    expect(stale).toEqual([{ key: "services.checkout.canary", backend: "25", file: "5", changedBy: expect.objectContaining({ version: 3 }) }]);
    expect(describeStaleKey(stale[0]!)).toBe(
      'services.checkout.canary: backend 25, this file 5 (update 3, "checkout: canary 25% to green by ann@laptop", 2026-11-30T10:03:00.000Z)',
    );
  });

  it("names the update that last changed the key, even when the file is several changes behind", () => {
    const stale = backendAhead([update(4, 50), update(3, 50), update(2, 25), update(1, 0)], file(0));
    expect(stale.map((key) => [key.key, key.changedBy.version])).toEqual([["services.checkout.canary", 3]]);
  });

  it("takes a value the backend never held for an edit not yet applied, not a stale file", () => {
    expect(backendAhead([update(2, 5), update(1, 0)], file(10))).toEqual([]);
  });

  it("judges by the last update that took effect: a failed update's config never ran", () => {
    const failed = { ...update(3, 10, "checkout: canary 10% to green"), result: "failed" };
    expect(backendAhead([failed, update(2, 0), update(1, 5)], file(0))).toEqual([]);
  });

  it("takes a value this clone changed back by hand for an edit: the change it reverts was made before the clone's sync point", () => {
    const updates = [update(3, 5, "rollout step by this clone"), update(2, 0), update(1, 0)];
    expect(backendAhead(updates, file(0), updates[0]!.startTime)).toEqual([]);
    expect(backendAhead(updates, file(0), updates[1]!.startTime).map((key) => key.key)).toEqual(["services.checkout.canary"]);
  });

  it("finds nothing for a stack without updates", () => {
    expect(backendAhead([], file(0))).toEqual([]);
  });
});
