import { describe, expect, it } from "vitest";
import { historyOutputs, nextContents, parseStackMemory, type ReleaseHistory } from "../../model/history";

const KEY = "7a".repeat(32);

describe("the program's memory in its own stack outputs", () => {
  const history: ReleaseHistory = {
    checkout: { blue: { config: [{ A: "1" }], secrets: [{}] }, green: { config: [{ A: "2" }, { A: "1" }], secrets: [{ T: "x" }, {}] } },
  };

  it("splits the history into a plain part (ConfigMaps) and a part for the secret output, and reads both back", () => {
    const { config, secrets } = historyOutputs(history);
    expect(config).toEqual({ checkout: { blue: [{ A: "1" }], green: [{ A: "2" }, { A: "1" }] } });
    expect(JSON.stringify(config)).not.toContain('"x"');
    expect(parseStackMemory({ namespace: "shop", releaseHistory: config, secretState: { nameKey: KEY, history: secrets } })).toEqual({
      namespace: "shop",
      history,
      secretNameKey: KEY,
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ["a first update (no outputs)", {}],
    ["outputs of an older switchyard", { services: {} }],
    ["malformed outputs", { namespace: 5, releaseHistory: "x", secretState: { nameKey: "short", history: [1] } }],
  ])("tolerates %s: nothing is known, nothing blocks the update", (_, outputs) => {
    expect(parseStackMemory(outputs)).toEqual({ history: {} });
  });

  it("drops entries that are not environments", () => {
    expect(parseStackMemory({ releaseHistory: { checkout: { green: [{ A: "1" }, { A: 2 }, "x"] } } }).history).toEqual({
      checkout: { green: { config: [{ A: "1" }], secrets: [] } },
    });
  });
});

describe("nextContents", () => {
  it.each<[string, Record<string, string>, Record<string, string>[], number, Record<string, string>[]]>([
    ["current first", { A: "2" }, [{ A: "1" }], 3, [{ A: "2" }, { A: "1" }]],
    ["no repeats, in any key order", { A: "1", B: "2" }, [{ B: "2", A: "1" }, { A: "0" }], 3, [{ A: "1", B: "2" }, { A: "0" }]],
    ["at most keep", { A: "4" }, [{ A: "3" }, { A: "2" }, { A: "1" }], 2, [{ A: "4" }, { A: "3" }]],
  ])("%s", (_, current, previous, keep, expected) => {
    expect(nextContents(current, previous, keep)).toEqual(expected);
  });
});
