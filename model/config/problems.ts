/**
 * One thing wrong with the stack config, worded so the user can fix it
 * without reading our code: which key, what it holds, and what is allowed.
 */
export interface ConfigProblem {
  /** Config key path as `pulumi config set --path` spells it, e.g. `services.checkout.canary`. */
  readonly key: string;
  /** The value found at that key; `undefined` when the key is missing. */
  readonly value: unknown;
  /** What the key accepts, e.g. `an integer from 0 to 100`. */
  readonly allowed: string;
}

/** Every problem found in one parse, reported together rather than one per run. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
  }
}

/** Stands in for a secret value in a problem, so no message ever prints one. */
export const HIDDEN_SECRET = Symbol("hidden secret");

/**
 * `scheme://user:password@host` with the password (or a lone user token)
 * replaced, in any text: a problem may quote a URL the user wrote with
 * credentials, and no message may print them.
 */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/\s@]*)@/gi, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return colon === -1 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === HIDDEN_SECRET) return "[secret]";
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value !== "object") return String(value);
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.key}: got ${describeValue(problem.value)}; allowed: ${problem.allowed}`;
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  const noun = problems.length === 1 ? "problem" : "problems";
  const lines = problems.map((problem) => `  - ${formatProblem(problem)}`);
  return [`switchyard: ${problems.length} ${noun} in the stack config (nothing was changed):`, ...lines].join("\n");
}
