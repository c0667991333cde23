import { createInterface } from "node:readline/promises";
import { exitCodeOf, UsageError } from "./errors";

/**
 * Where a command's words go. In text mode everything is for a person on
 * stdout. With `--json`, stdout carries only the one JSON result and the
 * narrative and Pulumi's progress go to stderr, so CI can parse stdout.
 */
export interface Reporter {
  line(text: string): void;
  /** Pulumi's own progress output, streamed as it comes. */
  progress(text: string): void;
  result(value: Record<string, unknown>): void;
  /** True with `--yes`; otherwise asks on the terminal, and refuses to guess without one. */
  confirm(yes: boolean, question: string): Promise<boolean>;
  /** Reports an error and returns the exit code it means, or `exitCode` when given (an interrupted command). */
  failure(error: unknown, exitCode?: number): number;
}

export function createReporter(json: boolean): Reporter {
  const narrative = json ? process.stderr : process.stdout;
  return {
    line: (text) => narrative.write(`${text}\n`),
    progress: (text) => narrative.write(text),
    result: (value) => {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    confirm: async (yes, question) => {
      if (yes) return true;
      if (!process.stdin.isTTY) {
        throw new UsageError("no terminal to confirm on: pass --yes to apply without confirmation, or --dry-run to only preview");
      }
      // The prompt is narrative too: with --json, stdout carries the one JSON document and nothing else.
      const prompt = createInterface({ input: process.stdin, output: narrative });
      // On a terminal, readline takes Ctrl-C as a key: it answers "no" here.
      const declined = new AbortController();
      prompt.once("SIGINT", () => declined.abort());
      try {
        return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `, { signal: declined.signal })).trim());
      } catch (error) {
        if (declined.signal.aborted) return false;
        throw error;
      } finally {
        prompt.close();
      }
    },
    failure: (error, interruptedCode) => {
      const exitCode = interruptedCode ?? exitCodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      if (json) process.stdout.write(`${JSON.stringify({ error: message, exitCode }, null, 2)}\n`);
      process.stderr.write(message.startsWith("switchyard:") ? `${message}\n` : `switchyard: ${message}\n`);
      return exitCode;
    },
  };
}
