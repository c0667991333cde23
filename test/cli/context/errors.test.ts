import { describe, expect, it } from "vitest";
import { EXIT, exitCodeOf, UsageError } from "../../../cli/context/errors";
import { PolicyViolationError, UpdateFailedError } from "../../../cli/pulumi/errors";
import { ConfigError } from "../../../model/config/problems";
import { RecordFailedError } from "../../../cli/fastpath/errors";
import { ClusterError } from "../../../cli/fastpath/cluster";

describe("exit codes come from named error types", () => {
  it.each([
    ["a bad argument", new UsageError("--steps: got 0"), EXIT.invalid],
    ["a bad stack config", new ConfigError([{ key: "services.checkout.canary", value: 101, allowed: "0..100" }]), EXIT.invalid],
    ["a policy refusal", new PolicyViolationError([{ policy: "weights", enforcement: "mandatory", message: "canary 10 is not allowed" }]), EXIT.invalid],
    ["a failed update", new UpdateFailedError("pulumi up failed: the stack is locked", false), EXIT.failed],
    ["traffic moved but not recorded", new RecordFailedError("traffic moved at +0.20 s ..."), 5],
    ["the API server failing before traffic moved", new ClusterError("reading VirtualService shop/checkout failed: ECONNREFUSED"), EXIT.failed],
    ["a stray RangeError from a library", new RangeError("Invalid array length"), EXIT.failed],
    ["anything thrown that is not an Error", "boom", EXIT.failed],
  ])("%s exits %i", (_, error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});
