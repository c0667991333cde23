import { describe, expect, it } from "vitest";
import { formatGroupHistory, formatHistory, groupHistory, releaseHistory, type StackUpdate } from "../../../cli/reports/history";

function update(minute: number, services: object | undefined, message = "", result = "succeeded", kind = "update"): StackUpdate {
  return {
    startTime: new Date(Date.UTC(2026, 10, 23, 10, minute)),
    kind,
    result,
    message,
    ...(services === undefined ? {} : { servicesConfig: JSON.stringify(services) }),
  };
}

const checkout = (live: string, canary: number, blue: string, green?: string) => ({
  checkout: { live, canary, blue: { version: blue }, ...(green === undefined ? {} : { green: { version: green } }) },
});

describe("a service's release history from the stack history", () => {
  const updates = [
    update(3, checkout("blue", 5, "1.4.2", "1.5.0"), "checkout: canary 5% to green"),
    update(1, checkout("blue", 0, "1.4.2")),
    update(2, checkout("blue", 0, "1.4.2", "1.5.0"), "checkout: deploy 1.5.0 to green"),
    update(4, checkout("blue", 5, "1.4.2", "1.5.0"), "catalog: canary 5% to green"),
    update(5, checkout("blue", 5, "1.4.2", "1.5.0"), "refresh", "succeeded", "refresh"),
    update(6, checkout("green", 0, "1.4.2", "1.5.0"), "checkout: promote green (1.5.0)", "failed"),
  ];

  it("lists, oldest first, each update that changed the service's versions or weights, and every failed one", () => {
    const rows = releaseHistory(updates, "checkout");
    expect(rows.map((row) => [row.update, row.message, row.weights, row.versions])).toEqual([
      [1, "", { blue: 100, green: 0 }, { blue: "1.4.2" }],
      [2, "checkout: deploy 1.5.0 to green", { blue: 100, green: 0 }, { blue: "1.4.2", green: "1.5.0" }],
      [3, "checkout: canary 5% to green", { blue: 95, green: 5 }, { blue: "1.4.2", green: "1.5.0" }],
      [6, "checkout: promote green (1.5.0)", { blue: 0, green: 100 }, { blue: "1.4.2", green: "1.5.0" }],
    ]);
    expect(rows[3]!.result).toBe("failed");
  });

  it("skips updates that did not know the service", () => {
    expect(releaseHistory([update(1, { catalog: { live: "blue", blue: { version: "2.0.1" } } }), update(2, undefined)], "checkout")).toEqual([]);
  });

  it("prints one line per row", () => {
    const text = formatHistory(releaseHistory(updates, "checkout"));
    expect(text.split("\n")[0]).toMatch(/^#\s+time\s+result\s+blue\s+green\s+change \(message\)$/);
    expect(text.split("\n")[3]).toBe(
      "3     2026-11-23 10:03:00   succeeded   1.4.2 95%       1.5.0 5%        canary 0 -> 5 (message: checkout: canary 5% to green)",
    );
  });

  it("derives each update's change from the config the history keeps, whatever its message says", () => {
    const handRun = [
      update(1, checkout("blue", 0, "1.4.2", "1.5.0")),
      update(2, checkout("blue", 25, "1.4.2", "1.5.0"), "compare: a service with one color is refused"),
      update(3, checkout("green", 0, "1.4.2", "1.6.0"), "checkout: promote"),
    ];
    expect(releaseHistory(handRun, "checkout").map((row) => row.changes)).toEqual([
      ["first deployed"],
      ["canary 0 -> 25"],
      ["canary 25 -> 0", "green.version 1.5.0 -> 1.6.0", "live blue -> green"],
    ]);
  });
});

describe("a release group's history: every member side by side", () => {
  const cart = (live: string, canary: number, checkoutGreen: string, catalogGreen: string, catalogCanary = canary) => ({
    checkout: { live, canary, blue: { version: "1.4.2" }, green: { version: checkoutGreen } },
    catalog: { live, canary: catalogCanary, blue: { version: "2.0.1" }, green: { version: catalogGreen } },
  });
  const updates = [
    update(1, cart("blue", 0, "1.5.0", "2.1.0")),
    update(2, cart("blue", 0, "1.6.0", "2.2.0"), "group cart: checkout: deploy 1.6.0 to green; catalog: deploy 2.2.0 to green"),
    update(3, cart("blue", 25, "1.6.0", "2.2.0"), "group cart: checkout: canary 25% to green; catalog: canary 25% to green"),
    update(4, cart("blue", 25, "1.6.0", "2.2.0"), "an update that moved nothing of the group"),
    update(5, cart("blue", 0, "1.6.0", "2.2.0"), "group cart: roll back"),
  ];

  it("has one row per update that moved any member, with every member's state after it and each member's change", () => {
    const rows = groupHistory(updates, ["checkout", "catalog"]);
    expect(rows.map((row) => row.update)).toEqual([1, 2, 3, 5]);
    expect(rows[2]!.members).toEqual({
      checkout: { live: "blue", weights: { blue: 75, green: 25 }, versions: { blue: "1.4.2", green: "1.6.0" } },
      catalog: { live: "blue", weights: { blue: 75, green: 25 }, versions: { blue: "2.0.1", green: "2.2.0" } },
    });
    expect(rows[2]!.changes).toEqual(["checkout: canary 0 -> 25", "catalog: canary 0 -> 25"]);
    expect(rows[1]!.changes).toEqual(["checkout: green.version 1.5.0 -> 1.6.0", "catalog: green.version 2.1.0 -> 2.2.0"]);
  });

  it("prints a column per member", () => {
    const lines = formatGroupHistory(groupHistory(updates, ["checkout", "catalog"]), ["checkout", "catalog"]).split("\n");
    expect(lines[0]).toMatch(/^#\s+time\s+result\s+checkout \(blue \| green\)\s+catalog \(blue \| green\)\s+change \(message\)$/);
    expect(lines[3]).toBe(
      "3     2026-11-23 10:03:00   succeeded   1.4.2 75% | 1.6.0 25%     2.0.1 75% | 2.2.0 25%     checkout: canary 0 -> 25, catalog: canary 0 -> 25 (message: group cart: checkout: canary 25% to green; catalog: canary 25% to green)",
    );
  });
});

