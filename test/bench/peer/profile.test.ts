import { describe, expect, it } from "vitest";
import { phases, processRole, type SeenProcess } from "../../../bench/peer/profile";

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

describe("phases", () => {
  it("splits a command's run at pulumi up, the program's start and the provider's writes", () => {
    const processes = [
      seen([PULUMI, "preview"], 1500, 3000),
      seen(PROGRAM, 1800, 2900, 1),
      seen([PULUMI, "up"], 4000, 9000),
      seen(PROGRAM, 5500, 8000, 2),
    ];
    expect(phases(1000, processes, [2500, 7000, 7250, 9500])).toEqual({ beforeUp: 3, engineStart: 1.5, untilFirstWrite: 1.5, writing: 0.25, afterWrites: 1.75 });
  });

  it("gives nothing when a boundary was not seen", () => {
    expect(phases(0, [seen([PULUMI, "up"], 10, 20)], [15])).toBeUndefined();
    expect(phases(0, [seen([PULUMI, "up"], 10, 20), seen(PROGRAM, 12, 18)], [])).toBeUndefined();
  });
});
