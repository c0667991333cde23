import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import { findService } from "../edits/releaseEdits";
import { formatHistory, releaseHistory, stackUpdates } from "../reports/history";

/** `switchyard history <service>`: versions and weights per update, from the stack history. */
export async function showHistory(context: CommandContext, service: string): Promise<number> {
  const { options: global, reporter } = context;
  const session = await context.openStack();
  findService((await session.readConfig()).config, service);
  const rows = releaseHistory(stackUpdates(await session.history()), service);
  reporter.line(rows.length === 0 ? `no updates of ${service} in stack ${global.stack} yet` : formatHistory(rows));
  reporter.result({ stack: global.stack, service, history: rows });
  return EXIT.ok;
}
