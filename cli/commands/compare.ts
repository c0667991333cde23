import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import { findService } from "../edits/releaseEdits";
import { compareColors, formatComparison } from "../reports/compare";

/** `switchyard compare <service>`: the live color against the other one, as the stack config declares them. */
export async function showComparison(context: CommandContext, service: string): Promise<number> {
  const { options: global, reporter } = context;
  const session = await context.openStack();
  const comparison = compareColors(findService((await session.readConfig()).config, service));
  reporter.line(formatComparison(comparison));
  reporter.result({ stack: global.stack, ...comparison });
  return EXIT.ok;
}
