import { describe, expect, it } from "vitest";
import { childrenCpuSeconds } from "../../bench/timed";

describe("the CPU time of a timed pulumi command", () => {
  it("is the user plus system time of the shell's children, from the second line of POSIX times", () => {
    expect(childrenCpuSeconds("0m0.000000s 0m0.004000s\n1m2.500000s 0m0.750000s\n")).toBeCloseTo(63.25, 6);
  });

  it("refuses output it does not recognise, rather than report a wrong figure", () => {
    expect(() => childrenCpuSeconds("0m0.000000s 0m0.004000s\n")).toThrow(/unexpected output of the shell's times/);
  });
});
