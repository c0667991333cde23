/**
 * What a switchyard command said about its fast path, read from its
 * narrative: the line `<service>: <split> at +T s (VirtualService ns/name);
 * recorded as update ...` once traffic moved first and was recorded, or
 * `fast path not taken: <reason>`. A figure of a run that took the plain path
 * measures something else, so the report says which it was.
 */

const TAKEN = /\(VirtualService [^)]+\); recorded as /;
const NOT_TAKEN = /fast path not taken: ([^\n]*)/;

export function fastPathNote(output: string): string {
  const notTaken = NOT_TAKEN.exec(output);
  if (notTaken !== null) return `not taken: ${notTaken[1]!.trim()}`;
  return TAKEN.test(output) ? "taken" : "not said (plain path)";
}

/** `taken in 6 of 6 commands`, or each other note with its count. */
export function summarizeNotes(notes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const note of notes) counts.set(note, (counts.get(note) ?? 0) + 1);
  return [...counts]
    .sort(([, a], [, b]) => b - a)
    .map(([note, count]) => `${note} in ${count} of ${notes.length} commands`)
    .join("; ");
}
