/**
 * A policy's options: its declared defaults, overridden by the policy pack
 * config. The engine already fills in the schema defaults; merging here too
 * keeps the policies correct when called directly (unit tests, other runners).
 */
export function optionsWithDefaults<Options extends object>(
  args: { getConfig<Config extends object>(): Config },
  defaults: Options,
): Options {
  return { ...defaults, ...args.getConfig<Partial<Options>>() };
}
