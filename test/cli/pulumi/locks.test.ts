import { describe, expect, it } from "vitest";
import { lockHolders, mayBeRunning } from "../../../cli/pulumi/locks";

const LOCKED =
  "pulumi up failed: error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
  "  file:///state/.pulumi/locks/organization/switchyard/dev/1.json: created by ann@laptop (pid 26385) at 2026-11-30T16:08:20Z";

describe("who holds a stack lock, from what pulumi said", () => {
  it("names the user, host, process and time of each holder", () => {
    expect(lockHolders(LOCKED)).toEqual([{ user: "ann", host: "laptop", pid: 26385, since: "2026-11-30T16:08:20Z" }]);
  });

  it("finds none when the update failed for another reason", () => {
    expect(lockHolders("pulumi up failed: error: the policy pack refused")).toEqual([]);
  });

  it("counts an update as maybe running unless its process was on this machine and is gone", () => {
    const [holder] = lockHolders(LOCKED);
    expect(mayBeRunning(holder!, "other-host", () => false)).toBe(true);
    expect(mayBeRunning(holder!, "laptop", () => true)).toBe(true);
    expect(mayBeRunning(holder!, "laptop", () => false)).toBe(false);
  });
});
