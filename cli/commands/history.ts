import { namespacedKey } from "../../model/config/keys";
import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import { findService } from "../edits/releaseEdits";
import { formatHistory, releaseHistory } from "../reports/history";

const SERVICES_KEY = namespacedKey("services");

/** `switchyard history <service>`: versions and weights per update, from the stack history. */
export async function showHistory(context: CommandContext, service: string): Promise<number> {
  const { options: global, reporter } = context;
  const session = await context.openStack();
  findService((await session.readConfig()).config, service);
  const updates = (await session.history()).map((update) => ({
    startTime: new Date(update.startTime),
    kind: update.kind,
    result: update.result,
    message: update.message,
    ...(update.config?.[SERVICES_KEY] === undefined ? {} : { servicesConfig: update.config[SERVICES_KEY].value }),
  }));
  const rows = releaseHistory(updates, service);
  reporter.line(rows.length === 0 ? `no updates of ${service} in stack ${global.stack} yet` : formatHistory(rows));
  reporter.result({ stack: global.stack, service, history: rows });
  return EXIT.ok;
}
