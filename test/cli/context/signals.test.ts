import { afterEach, describe, expect, it } from "vitest";
import { Interrupts } from "../../../cli/context/signals";

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe("Ctrl-C and SIGTERM mean one graceful cancel", () => {
  it("leaves pulumi alone on Ctrl-C, which the terminal sent to it too, and exits 130", () => {
    const interrupts = new Interrupts();
    const seen: string[] = [];
    stop = interrupts.listen((signal) => seen.push(signal));
    process.emit("SIGINT", "SIGINT");
    expect(interrupts.signal.aborted).toBe(true);
    expect(interrupts.cancelPulumi.aborted).toBe(false);
    expect(interrupts.exitCode).toBe(130);
    expect(seen).toEqual(["SIGINT"]);
  });

  it("forwards a SIGTERM, which reached only this process, to pulumi as its cancel, and exits 143", () => {
    const interrupts = new Interrupts();
    stop = interrupts.listen(() => {});
    process.emit("SIGTERM", "SIGTERM");
    expect(interrupts.cancelPulumi.aborted).toBe(true);
    expect(interrupts.exitCode).toBe(143);
  });

  it("acts on the first signal only: a second one is pulumi's own business", () => {
    const interrupts = new Interrupts();
    const seen: string[] = [];
    stop = interrupts.listen((signal) => seen.push(signal));
    process.emit("SIGINT", "SIGINT");
    process.emit("SIGTERM", "SIGTERM");
    expect(seen).toEqual(["SIGINT"]);
    expect(interrupts.cancelPulumi.aborted).toBe(false);
    expect(interrupts.exitCode).toBe(130);
  });

  it("stops listening when the command is done", () => {
    const before = process.listenerCount("SIGTERM");
    const interrupts = new Interrupts();
    interrupts.listen(() => {})();
    expect(process.listenerCount("SIGTERM")).toBe(before);
    expect(interrupts.exitCode).toBeUndefined();
  });
});
