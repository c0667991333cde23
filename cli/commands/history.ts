import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import { findService } from "../edits/releaseEdits";
import { findGroup } from "../edits/selection";
import { formatGroupHistory, formatHistory, groupHistory, releaseHistory, stackUpdates } from "../reports/history";

/** `switchyard history <service>`: versions and weights per update, from the stack history; `--group`: every member's, side by side. */
export async function showHistory(context: CommandContext, subject: { readonly service: string } | { readonly group: string }): Promise<number> {
  const [service, group] = "group" in subject ? [undefined, subject.group] : [subject.service, undefined];
  const { options: global, reporter } = context;
  const session = await context.openStack();
  const { config } = await session.readConfig();
  if (group !== undefined) {
    const { services } = findGroup(config, group);
    const rows = groupHistory(stackUpdates(await session.history()), services);
    reporter.line(rows.length === 0 ? `no updates of group ${group} in stack ${global.stack} yet` : `group ${group}: ${services.join(", ")}\n${formatGroupHistory(rows, services)}`);
    reporter.result({ stack: global.stack, group, services, history: rows });
    return EXIT.ok;
  }
  const member = findService(config, service!).group;
  const rows = releaseHistory(stackUpdates(await session.history()), service!);
  if (member !== undefined) reporter.line(`${service} is in group ${member.name} (history --group ${member.name} shows its members side by side)`);
  reporter.line(rows.length === 0 ? `no updates of ${service} in stack ${global.stack} yet` : formatHistory(rows));
  reporter.result({ stack: global.stack, service, ...(member === undefined ? {} : { group: member.name }), history: rows });
  return EXIT.ok;
}
