import { describe, expect, it } from "vitest";
import { formatHistory, releaseHistory, type StackUpdate } from "../../../cli/reports/history";

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
