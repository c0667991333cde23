import { createInterface } from "node:readline/promises";
import { ConfigError } from "../../model/config/problems";

/** Exit codes of every command; CI scripts branch on them. */
export const EXIT = {
  ok: 0,
  /** An update, Prometheus or another tool failed. */
  failed: 1,
  /** Bad arguments or stack config: nothing was changed. */
  invalid: 2,
  /** A rollout's canary failed its analysis and was set back to 0. */
  rolledBack: 3,
  /** A rollout could not judge the canary and stopped without promoting. */
  halted: 4,
  /** Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** A command used wrongly: said as is, exit code `invalid`. */
export class UsageError extends Error {
  override name = "UsageError";
}

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
  /** Reports an error and returns the exit code it means. */
  failure(error: unknown): number;
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
      const prompt = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
      } finally {
        prompt.close();
      }
    },
    failure: (error) => {
      const exitCode = error instanceof ConfigError || error instanceof UsageError || error instanceof RangeError ? EXIT.invalid : EXIT.failed;
      const message = error instanceof Error ? error.message : String(error);
      if (json) process.stdout.write(`${JSON.stringify({ error: message, exitCode }, null, 2)}\n`);
      process.stderr.write(message.startsWith("switchyard:") ? `${message}\n` : `switchyard: ${message}\n`);
      return exitCode;
    },
  };
}
