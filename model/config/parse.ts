import { analysisProblems, prometheusCredentialProblems } from "./analysis";
import { NO_CONTEXT, type ConfigContext } from "./context";
import { continuityProblems } from "./continuity";
import type { z } from "zod";
import { resolveStackConfig } from "./defaults";
import { groupProblems } from "./groups";
import { partialServices } from "./partial";
import { ConfigError, HIDDEN_SECRET, redactCredentials, type ConfigProblem } from "./problems";
import { ruleProblems } from "./rules";
import { analysisSchema, stackConfigSchema } from "./schema";
import { secretProblems } from "./secretRules";
import type { StackConfig } from "./settings";
import { shapeProblems } from "./shapeProblems";

/**
 * Parses the `switchyard:*` stack config (keys without the namespace) into
 * typed settings with every default resolved. Throws a ConfigError listing
 * every problem found, of every kind at once; nothing has been registered
 * at that point.
 */
export function parseStackConfig(raw: Record<string, unknown>, context: ConfigContext = NO_CONTEXT): StackConfig {
  const parsed = stackConfigSchema.safeParse(raw);
  const problems: ConfigProblem[] = [
    ...(parsed.success ? [] : shapeProblems(parsed.error, raw)),
    ...secretProblems(raw, context),
    ...continuityProblems(raw, context),
    ...prometheusCredentialProblems(raw),
    ...crossKeyProblems(raw, parsed.success ? [] : parsed.error.issues),
  ];
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(problems.map((problem) => presentable(problem, context)));
  }
  return resolveStackConfig(parsed.data);
}

/**
 * Rules across keys, run next to the shape problems: every service is
 * checked as far as its well-formed fields allow, so a typo in one key hides
 * nothing about the others.
 */
function crossKeyProblems(raw: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const analysis = raw.analysis === undefined ? undefined : analysisSchema.safeParse(raw.analysis);
  const services = partialServices(raw, issues);
  return [
    ...services.flatMap(({ service, unreliable }) => ruleProblems(service, raw, unreliable)),
    ...groupProblems(raw, services),
    ...(analysis?.success ? analysisProblems(analysis.data) : []),
  ];
}

/** No message prints a secret: values under keys set with --secret are hidden, credentials in URLs redacted. */
function presentable(problem: ConfigProblem, context: ConfigContext): ConfigProblem {
  const topKey = problem.key.split(".")[0]!;
  if (problem.value === HIDDEN_SECRET || context.secretKeys.includes(topKey)) return { ...problem, value: HIDDEN_SECRET };
  if (typeof problem.value === "string") return { ...problem, value: redactCredentials(problem.value) };
  if (problem.value !== null && typeof problem.value === "object") {
    return { ...problem, value: JSON.parse(redactCredentials(JSON.stringify(problem.value))) };
  }
  return problem;
}
