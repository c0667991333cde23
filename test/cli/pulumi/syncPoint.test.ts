import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readSyncPoint, recordSyncPoint } from "../../../cli/pulumi/syncPoint";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-sync-"));
afterEach(() => fs.rmSync(path.join(dir, ".switchyard"), { recursive: true, force: true }));

describe("the update a clone is known to be in step with", () => {
  it("is unknown for a clone that never ran a command on the stack", () => {
    expect(readSyncPoint(dir, "prod")).toBeUndefined();
  });

  it("moves forward, never back, per stack", () => {
    recordSyncPoint(dir, "prod", "2026-11-30T10:05:00.000Z");
    recordSyncPoint(dir, "prod", "2026-11-30T10:01:00.000Z");
    recordSyncPoint(dir, "dev", "2026-11-30T09:00:00.000Z");
    expect(readSyncPoint(dir, "prod")).toBe("2026-11-30T10:05:00.000Z");
    expect(readSyncPoint(dir, "dev")).toBe("2026-11-30T09:00:00.000Z");
  });
});
