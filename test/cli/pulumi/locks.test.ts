import { describe, expect, it } from "vitest";
import { lockHolders, lockReleasedWhileRead, mayBeRunning } from "../../../cli/pulumi/locks";

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

describe("a lock released as pulumi read it (another update started or ended at that instant)", () => {
  it("is recognised in what the PostgreSQL backend said in CI when two operators moved one service together", () => {
    // Verbatim from the failed run, but for the redaction.
    const said = "pulumi up failed: error: 2 errors occurred:\n    1) key not found: sql: no rows in result set\n    2) NotFound";
    expect(lockReleasedWhileRead(said)).toBe(true);
    expect(lockHolders(said)).toEqual([]);
  });

  it("is recognised in what the file backend says for the same race", () => {
    const said =
      "pulumi up failed: error: 2 errors occurred:\n    1) stat /tmp/p/.switchyard/state/.pulumi/locks/organization/switchyard/dev/1.json: no such file or directory\n    2) NotFound";
    expect(lockReleasedWhileRead(said)).toBe(true);
  });

  it("is not a lock held, nor any other failure", () => {
    expect(lockReleasedWhileRead(LOCKED)).toBe(false);
    expect(lockReleasedWhileRead("pulumi up failed: error: the policy pack refused")).toBe(false);
    expect(lockReleasedWhileRead('pulumi up failed: error: Deployment "checkout-blue" NotFound in namespace shop')).toBe(false);
  });
});
