import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import { findService } from "../edits/releaseEdits";
import { findGroup } from "../edits/selection";
import { compareColors, compareGroup, formatComparison, formatGroupComparison } from "../reports/compare";

/** `switchyard compare <service>`: the live color against the other one, as the stack config declares them; `--group`: every member. */
export async function showComparison(context: CommandContext, subject: { readonly service: string } | { readonly group: string }): Promise<number> {
  const [service, group] = "group" in subject ? [undefined, subject.group] : [subject.service, undefined];
  const { options: global, reporter } = context;
  const session = await context.openStack();
  const { config } = await session.readConfig();
  if (group !== undefined) {
    const comparison = compareGroup(group, findGroup(config, group).services.map((name) => findService(config, name)));
    reporter.line(formatGroupComparison(comparison));
    reporter.result({ stack: global.stack, ...comparison });
    return EXIT.ok;
  }
  const comparison = compareColors(findService(config, service!));
  reporter.line(formatComparison(comparison));
  reporter.result({ stack: global.stack, ...comparison });
  return EXIT.ok;
}
