import { EXIT, UsageError } from "../context/errors";
import type { CommandContext } from "../context/options";
import { pageAssets } from "../dashboard/bundle";
import { DashboardFeed } from "../dashboard/feed";
import { isLoopback, startServer } from "../dashboard/server";

export interface DashboardOptions {
  readonly port: string;
  readonly host: string;
  readonly allowRemote: boolean;
}

/**
 * `switchyard dashboard`: a local, read-only web page of the stack's
 * services, traffic, pods, history and rollouts, kept current while it runs.
 * It opens no browser; Ctrl-C stops it.
 */
export async function runDashboard(context: CommandContext, options: DashboardOptions): Promise<number> {
  const { options: global, reporter, interrupts } = context;
  const port = parsePort(options.port);
  checkHost(options.host, options.allowRemote, reporter.line);
  const session = await context.openStack();
  const assets = await pageAssets(reporter.line);
  const feed = new DashboardFeed(session);
  const server = await startServer(feed, assets, options.host, port);
  try {
    await feed.start();
    reporter.line(`switchyard dashboard of stack ${global.stack}: ${server.url} (read-only; Ctrl-C stops it)`);
    reporter.result({ stack: global.stack, url: server.url });
    await new Promise<void>((resolve) => {
      if (interrupts.signal.aborted) resolve();
      interrupts.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    feed.stop();
    await server.stop();
  }
  reporter.line("dashboard stopped");
  return EXIT.ok;
}

function parsePort(text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port: got "${text}"; allowed: an integer from 1 to 65535, or 0 for any free port`);
  return port;
}

/** Loopback unless the operator says otherwise, and then with a warning: the page shows the stack to whoever can reach it. */
function checkHost(host: string, allowRemote: boolean, warn: (line: string) => void): void {
  if (isLoopback(host)) return;
  if (!allowRemote) {
    throw new UsageError(
      `--host: got "${host}"; allowed: a loopback address (127.0.0.1, ::1, localhost). The dashboard has no login: add --allow-remote to serve it on ${host} anyway`,
    );
  }
  warn(`warning: serving on ${host}: anyone who can reach this address sees the stack's services, versions, images and history (no login, read-only)`);
}
