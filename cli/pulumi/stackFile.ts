import * as fs from "node:fs";

/**
 * The stack file (`Pulumi.<stack>.yaml`) as a command read it. Every write
 * the command makes is a compare-and-swap against that reading: a change
 * someone made to the file in the meantime (an editor, a `pulumi config set`,
 * another switchyard) is never overwritten.
 */
export interface StackFileReading {
  readonly path: string;
  readonly content: Buffer;
}

/** The file changed between the command's reading and its write: nothing was written. */
export class StackFileChangedError extends Error {
  override name = "StackFileChangedError";
  constructor(readonly path: string) {
    super(`${path} changed since switchyard read it (another edit or command?): nothing was written; check the file and run the command again`);
  }
}

export function readStackFile(path: string): StackFileReading {
  return { path, content: fs.readFileSync(path) };
}

/** Moves `staged` over the stack file if the file still holds what was read; returns what it now holds. */
export function replaceStackFile(reading: StackFileReading, staged: string): StackFileReading {
  if (!fs.readFileSync(reading.path).equals(reading.content)) throw new StackFileChangedError(reading.path);
  const written = fs.readFileSync(staged);
  fs.renameSync(staged, reading.path);
  return { path: reading.path, content: written };
}

/** Puts `original` back if the file still holds what the command wrote (`written`); false when someone changed it since. */
export function restoreStackFile(written: StackFileReading, original: StackFileReading): boolean {
  if (!fs.readFileSync(written.path).equals(written.content)) return false;
  const temporary = `${original.path}.switchyard-restore-${process.pid}`;
  fs.writeFileSync(temporary, original.content);
  fs.renameSync(temporary, original.path);
  return true;
}
