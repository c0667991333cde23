import { describe, expect, it, vi } from "vitest";
import { applyEditNow, type CheckedEdit } from "../../../cli/edits/apply";
import { UpdateFailedError } from "../../../cli/pulumi/errors";
import type { StackSession } from "../../../cli/pulumi/session";

const checked = { summary: "checkout: canary 25% to green", changes: [{ key: "services.checkout.canary", set: { type: "number", value: 25 } }] } as unknown as CheckedEdit;

/** What pulumi says when its lock check read the lock of an update that was releasing it (PostgreSQL backend, verbatim from CI). */
const releasedWhileRead = () => new UpdateFailedError("pulumi up failed: error: 2 errors occurred:\n    1) key not found: sql: no rows in result set\n    2) NotFound", false);
const locked = () =>
  new UpdateFailedError(
    "pulumi up failed: error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
      "  postgres://db/state/.pulumi/locks/organization/switchyard/staging/1.json: created by ann@laptop (pid 26385) at 2026-11-30T16:08:20Z",
    false,
  );

/** A session whose `up` fails with each of `failures` in turn, then succeeds. */
function session(failures: Error[]) {
  const fake = {
    stackName: "staging",
    stage: vi.fn(() => "/tmp/staged"),
    commitStaged: vi.fn(),
    discardStaged: vi.fn(),
    restoreStackFile: vi.fn(() => true),
    up: vi.fn(async () => {
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return { version: 7, startTime: "2026-12-01T05:26:37.000Z", changes: { update: 1 } };
    }),
  };
  return { session: fake as unknown as StackSession, fake };
}

describe("an edit written and applied with pulumi up", () => {
  it("meets another update starting at the same instant once more when pulumi read that update's lock as it went, and applies", async () => {
    const { session: s, fake } = session([releasedWhileRead()]);
    await expect(applyEditNow(s, checked)).resolves.toEqual({ update: 1 });
    expect(fake.up).toHaveBeenCalledTimes(2);
    expect(fake.restoreStackFile).not.toHaveBeenCalled();
  });

  it("when the second attempt finds the lock held, fails naming the holder and puts the stack file back", async () => {
    const { session: s, fake } = session([releasedWhileRead(), locked()]);
    await expect(applyEditNow(s, checked)).rejects.toThrow(/currently locked[\s\S]*ann@laptop \(pid 26385\)[\s\S]*nothing was changed, and Pulumi\.staging\.yaml is back as it was/);
    expect(fake.up).toHaveBeenCalledTimes(2);
    expect(fake.restoreStackFile).toHaveBeenCalledTimes(1);
  });

  it("does not try again on a lock that is held", async () => {
    const { session: s, fake } = session([locked()]);
    await expect(applyEditNow(s, checked)).rejects.toThrow(/currently locked/);
    expect(fake.up).toHaveBeenCalledTimes(1);
    expect(fake.restoreStackFile).toHaveBeenCalledTimes(1);
  });
});
