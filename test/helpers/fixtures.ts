import { parseStackConfig } from "../../model/config/parse";
import type { ServiceConfig, StackConfig } from "../../model/config/settings";
import { ConfigError, type ConfigProblem } from "../../model/config/problems";

/** A valid `switchyard:*` config with one service and both colors; tests change one field at a time. */
export function validRawConfig(): Record<string, any> {
  return {
    namespace: "shop",
    services: {
      checkout: {
        image: "registry.example.com/shop/checkout",
        port: 8080,
        replicas: 3,
        blue: { version: "1.4.2", env: { FEATURE_NEW_CART: "false" }, schema: ">=12 <14" },
        green: { version: "1.5.0", env: { FEATURE_NEW_CART: "true" }, schema: ">=13 <15" },
        live: "blue",
        canary: 0,
      },
    },
  };
}

export function parsed(mutate: (raw: Record<string, any>) => void = () => {}): StackConfig {
  const raw = validRawConfig();
  mutate(raw);
  return parseStackConfig(raw);
}

export function checkout(mutate: (service: Record<string, any>) => void = () => {}): ServiceConfig {
  return parsed((raw) => mutate(raw.services.checkout)).services[0]!;
}

/** The problems of the ConfigError that `action` throws; fails the test if it throws none. */
export function configProblems(action: () => unknown): readonly ConfigProblem[] {
  const problems = problemsIfAny(action);
  if (problems.length === 0) throw new Error("expected a ConfigError");
  return problems;
}

/** The problems of the ConfigError that `action` throws, or none when it throws nothing. */
export function problemsIfAny(action: () => unknown): readonly ConfigProblem[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
