import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The newest update of a stack this clone is known to be in step with: one
 * it made itself, or the latest one when its stack file last passed the
 * stale-clone guard. Kept in the clone's ignored `.switchyard/`, one file
 * per stack. Only updates after it can have left this clone's file behind:
 * a value this clone changed back by hand is an edit, not a stale file.
 */
export function readSyncPoint(projectDir: string, stack: string): string | undefined {
  try {
    const recorded = JSON.parse(fs.readFileSync(syncFile(projectDir, stack), "utf8")) as { startTime?: unknown };
    return typeof recorded.startTime === "string" ? recorded.startTime : undefined;
  } catch {
    return undefined;
  }
}

/** Moves the sync point forward to `startTime` (an update's start, ISO 8601); never back. */
export function recordSyncPoint(projectDir: string, stack: string, startTime: string): void {
  const current = readSyncPoint(projectDir, stack);
  if (current !== undefined && current >= startTime) return;
  const file = syncFile(projectDir, stack);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ startTime })}\n`);
}

function syncFile(projectDir: string, stack: string): string {
  return path.join(projectDir, ".switchyard", "synced", `${stack}.json`);
}
