import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Counts the file backend's writes of one stack's checkpoint while a command
 * runs. The backend writes a whole new checkpoint to a temporary file and
 * renames it onto `<stack>.json` (gocloud's fileblob), so every write is one
 * rename into the stack folder, which inotify reports one by one.
 */
export class CheckpointWrites {
  private writes = 0;
  private readonly watcher: fs.FSWatcher;

  constructor(checkpoint: string) {
    const name = path.basename(checkpoint);
    this.watcher = fs.watch(path.dirname(checkpoint), (event, file) => {
      if (event === "rename" && file === name) this.writes++;
    });
  }

  /** Stops counting once the events already queued have arrived. */
  async stop(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    this.watcher.close();
    return this.writes;
  }
}
