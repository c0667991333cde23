import { analysisProblems } from "./analysis";
import { NO_CONTEXT, type ConfigContext } from "./context";
import { resolveStackConfig } from "./defaults";
import { ConfigError } from "./problems";
import { ruleProblems, secretProblems } from "./rules";
import { stackConfigSchema } from "./schema";
import type { StackConfig } from "./settings";
import { shapeProblems } from "./shapeProblems";

/**
 * Parses the `switchyard:*` stack config (keys without the namespace) into
 * typed settings with every default resolved. Throws a ConfigError listing
 * every problem found; nothing has been registered at that point.
 */
export function parseStackConfig(raw: Record<string, unknown>, context: ConfigContext = NO_CONTEXT): StackConfig {
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(shapeProblems(parsed.error, raw));
  }
  const secretIssues = secretProblems(parsed.data, context);
  if (secretIssues.length > 0) throw new ConfigError(secretIssues);
  const config = resolveStackConfig(parsed.data);
  const problems = [
    ...config.services.flatMap(ruleProblems),
    ...(parsed.data.analysis === undefined ? [] : analysisProblems(parsed.data.analysis)),
  ];
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return config;
}
