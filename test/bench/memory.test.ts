import { describe, expect, it } from "vitest";
import { descendants, hasExited, isProgramCommand, parentPid, startTicks, statusKiB } from "../../bench/memory";

describe("reading /proc", () => {
  it("reads a field of /proc/<pid>/status in KiB", () => {
    const status = "Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  345678 kB\nVmRSS:\t  300000 kB\n";
    expect(statusKiB(status, "VmHWM")).toBe(345678);
    expect(statusKiB("Name:\tzombie\n", "VmHWM")).toBeUndefined();
  });

  it("reads the parent pid of /proc/<pid>/stat, even when the command name holds spaces and parentheses", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    const stat = "4243 (a (weird) name) R 17 4243 17 0 -1 4194304 900 0 2 0 250 50 1000 1000 20 0";
    expect(parentPid(stat)).toBe(17);
  });

  it("reads when a process started, and tells an exited one not yet reaped from a running one", () => {
    // ... cutime cstime priority nice num_threads itrealvalue starttime vsize
    const stat = "4243 (node) S 17 4243 17 0 -1 4194304 900 0 2 0 250 50 0 0 20 0 11 0 1562100 1200000";
    expect(startTicks(stat)).toBe(1562100);
    expect(hasExited(stat)).toBe(false);
    expect(hasExited(stat.replace(") S ", ") Z "))).toBe(true);
    expect(hasExited(undefined)).toBe(true);
  });

  it("finds every process below a root, however deep", () => {
    const parents = new Map([
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 99],
    ]);
    expect(descendants(1, parents).sort()).toEqual([2, 3, 4]);
  });

  it("recognises the program process, not the language host's module lookup", () => {
    const program = ["/usr/bin/node", "/p/node_modules/@pulumi/pulumi/cmd/run/index.js", "--monitor", "127.0.0.1:1", "."].join("\0");
    const lookup = ["/usr/bin/node", "-e", "require.resolve(...)", "@pulumi/pulumi/cmd/run"].join("\0");
    expect(isProgramCommand(program)).toBe(true);
    expect(isProgramCommand(lookup)).toBe(false);
  });
});
