import { describe, expect, it } from "vitest";
import { fastPathPhases, processRole, type SeenProcess } from "../../../bench/peer/profile";

const seen = (argv: string[], firstMs: number, lastMs: number, pid = firstMs): SeenProcess => ({ pid, argv, firstMs, lastMs });
const PULUMI = "/cache/engine/bin/pulumi";
const PROGRAM = ["/usr/bin/node", "/p/node_modules/@pulumi/pulumi/cmd/run/index.js", "--monitor", "127.0.0.1:1", "."];

describe("processRole", () => {
  it("tells the pulumi commands, the language host, the program and the provider apart", () => {
    expect(processRole([PULUMI, "up", "--yes", "--config-file", "x"])).toBe("pulumi-up");
    expect(processRole([PULUMI, "preview", "--stack", "peer"])).toBe("pulumi-preview");
    expect(processRole([PULUMI, "config", "set", "--path", "k", "v"])).toBe("pulumi-config");
    expect(processRole([PULUMI, "stack", "select"])).toBe("pulumi-other");
    expect(processRole(["/cache/engine/bin/pulumi-language-nodejs", "127.0.0.1:1"])).toBe("language-host");
    expect(processRole(["/home/plugins/resource-kubernetes-v4.25.0/pulumi-resource-kubernetes", "127.0.0.1:1"])).toBe("provider");
    expect(processRole(PROGRAM)).toBe("program");
    expect(processRole(["/usr/bin/node", "bin/switchyard.js"])).toBe("other");
  });
});

describe("fastPathPhases", () => {
  const run = (endMs: number, processes: SeenProcess[]) => ({ endMs, processes });

  it("splits a fast-path run at the command's writes, the watch, and the pulumi up that records them", () => {
    const processes = [seen(PROGRAM, 100, 200, 1), seen([PULUMI, "up", "--yes"], 2500, 8000), seen(PROGRAM, 4000, 7500, 2)];
    expect(fastPathPhases(1000, run(8500, processes), [1800, 1700, 12_000], 1900)).toEqual({
      untilWrite: 0.7,
      writing: 0.1,
      seen: 0.1,
      untilRecord: 0.7,
      record: 5.5,
      afterRecord: 0.5,
    });
  });

  it("gives nothing when the command wrote nothing itself (the plain path ran) or nothing recorded its writes", () => {
    expect(fastPathPhases(0, run(20, [seen([PULUMI, "up"], 10, 20)]), [], 15)).toBeUndefined();
    expect(fastPathPhases(0, run(20, [seen([PULUMI, "up"], 2, 8)]), [10], 11)).toBeUndefined();
  });
});
