import * as os from "node:os";
import { describe, expect, it, vi } from "vitest";
import { RecordFailedError } from "../../../cli/fastpath/errors";
import { recordMove } from "../../../cli/fastpath/record";
import { UpdateFailedError } from "../../../cli/pulumi/errors";
import { StaleStackFileError } from "../../../cli/edits/staleness";
import { RECORDED_MEANWHILE } from "../../../model/recordedState";
import type { StackSession } from "../../../cli/pulumi/session";
import type { CheckedEdit } from "../../../cli/edits/apply";

const moved = [{ service: "checkout", object: "shop/checkout", kind: "VirtualService", split: "100% blue", safeAtSeconds: 0.21, resourceVersion: "8" }];
const checked = { summary: "checkout: roll back to blue (1.4.2)", changes: [{ key: "services.checkout.live", set: { type: "string", value: "blue" } }] } as unknown as CheckedEdit;

const lockedBy = (pid: number) =>
  new UpdateFailedError(
    "pulumi up failed: error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
      `  file:///state/.pulumi/locks/organization/switchyard/dev/1.json: created by ann@${os.hostname()} (pid ${pid}) at 2026-11-30T16:08:20Z`,
    false,
  );

/** A session whose `up` fails with each of `failures` in turn, then succeeds. */
function session(failures: Error[]) {
  const ups = vi.fn(async () => {
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
    return { version: 0, startTime: "2026-11-30T16:09:00.000Z", changes: { update: 1 } };
  });
  const fake = {
    stackName: "dev",
    stage: vi.fn(() => "/tmp/staged"),
    commitStaged: vi.fn(),
    discardStaged: vi.fn(),
    up: ups,
    upCommand: () => "pulumi up --stack dev",
  };
  return { session: fake as unknown as StackSession, ups, fake };
}

describe("recording a move that already reached the API server", () => {
  it("writes the stack file, then records with pulumi up", async () => {
    const { session: s, fake } = session([]);
    const recheck = vi.fn(async () => {});
    const result = await recordMove(s, checked, moved, { recheck, lockTimeoutMs: 0, onWaiting: vi.fn() });
    expect(result.changes).toEqual({ update: 1 });
    expect(fake.commitStaged).toHaveBeenCalledWith("/tmp/staged");
    expect(recheck).not.toHaveBeenCalled();
  });

  it("waits for an update that holds the stack lock and still runs, checks the backend again, then records", async () => {
    const { session: s, ups } = session([lockedBy(process.pid)]);
    const recheck = vi.fn(async () => {});
    const onWaiting = vi.fn();
    await recordMove(s, checked, moved, { recheck, lockTimeoutMs: 60_000, onWaiting });
    expect(ups).toHaveBeenCalledTimes(2);
    expect(onWaiting).toHaveBeenCalledWith([{ user: "ann", host: os.hostname(), pid: process.pid, since: "2026-11-30T16:08:20Z" }]);
    expect(recheck).toHaveBeenCalledTimes(1);
  });

  it("when the update it waited for lands between its check and its attempt (the program refuses as updated meanwhile), checks again and records", async () => {
    // What StackSession.up throws when the program refuses (resources/stackMemory.ts): the guard's own error.
    const meanwhile = new StaleStackFileError(`stack dev ${RECORDED_MEANWHILE} (recorded services a, checked b); nothing was changed`);
    const { session: s, ups } = session([lockedBy(process.pid), meanwhile]);
    const recheck = vi.fn(async () => {});
    await recordMove(s, checked, moved, { recheck, lockTimeoutMs: 60_000, onWaiting: vi.fn() });
    expect(ups).toHaveBeenCalledTimes(3);
    expect(recheck).toHaveBeenCalledTimes(2);
    // Without having waited for anyone, the refusal stands: someone else's update landed after the command's own check.
    await expect(recordMove(session([meanwhile]).session, checked, moved, { recheck: vi.fn(), lockTimeoutMs: 60_000, onWaiting: vi.fn() })).rejects.toThrow(
      new RegExp(`but the stack did not record it: .*${RECORDED_MEANWHILE}`),
    );
  });

  it("tries again when pulumi's lock check read a lock that was being released (two updates starting together), then records", async () => {
    const releasedWhileRead = new UpdateFailedError("pulumi up failed: error: 2 errors occurred:\n    1) key not found: sql: no rows in result set\n    2) NotFound", false);
    const { session: s, ups } = session([releasedWhileRead]);
    const recheck = vi.fn(async () => {});
    const onWaiting = vi.fn();
    const result = await recordMove(s, checked, moved, { recheck, lockTimeoutMs: 60_000, onWaiting });
    expect(result.changes).toEqual({ update: 1 });
    expect(ups).toHaveBeenCalledTimes(2);
    expect(onWaiting).toHaveBeenCalledWith([]);
    // The other update may have landed meanwhile: the stale-clone check runs again first.
    expect(recheck).toHaveBeenCalledTimes(1);
    // With no time to wait, it is a failed record like any other.
    await expect(recordMove(session([releasedWhileRead]).session, checked, moved, { recheck, lockTimeoutMs: 0, onWaiting })).rejects.toThrow(RecordFailedError);
  });

  it("does not wait for a lock whose process is gone, nor past the timeout, nor after the backend turned out to be ahead", async () => {
    const gone = 2 ** 22 + 12345;
    await expect(recordMove(session([lockedBy(gone)]).session, checked, moved, { recheck: vi.fn(), lockTimeoutMs: 60_000, onWaiting: vi.fn() })).rejects.toThrow(RecordFailedError);
    await expect(recordMove(session([lockedBy(process.pid)]).session, checked, moved, { recheck: vi.fn(), lockTimeoutMs: 0, onWaiting: vi.fn() })).rejects.toThrow(
      /traffic moved at \+0\.21 s \(VirtualService shop\/checkout: 100% blue\), but the stack did not record it: pulumi up failed: [\s\S]*To record it, run: pulumi up --stack dev/,
    );
    const ahead = vi.fn(async () => {
      throw new Error("the backend is ahead of this clone's Pulumi.dev.yaml");
    });
    await expect(recordMove(session([lockedBy(process.pid)]).session, checked, moved, { recheck: ahead, lockTimeoutMs: 60_000, onWaiting: vi.fn() })).rejects.toThrow(
      /but the stack did not record it: the backend is ahead/,
    );
  });

  it("stops waiting on Ctrl-C, saying traffic moved and what to run", async () => {
    const interrupt = new AbortController();
    const recording = recordMove(session([lockedBy(process.pid)]).session, checked, moved, {
      recheck: vi.fn(),
      lockTimeoutMs: 60_000,
      onWaiting: () => interrupt.abort(),
      signal: interrupt.signal,
    });
    await expect(recording).rejects.toThrow(RecordFailedError);
    await expect(recording).rejects.toThrow(/traffic moved at \+0\.21 s[\s\S]*To record it, run: pulumi up --stack dev/);
  });
});
