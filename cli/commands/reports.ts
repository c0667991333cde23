import { namespacedKey } from "../../model/config/keys";
import { compareColors, formatComparison } from "../reports/compare";
import { formatHistory, releaseHistory } from "../reports/history";
import type { LivePods } from "../reports/livePods";
import type { GlobalOptions } from "../main";
import { EXIT, type Reporter } from "../context/output";
import { findService } from "../edits/releaseEdits";
import { StackSession } from "../pulumi/session";
import { formatStatus, serviceStatuses } from "../reports/status";

/** `switchyard status`: the last update's `services` output joined with the pods the cluster runs now. */
export async function showStatus(global: GlobalOptions, reporter: Reporter): Promise<number> {
  const session = await StackSession.open(global.cwd, global.stack);
  const current = await session.readConfig();
  const outputs = await session.servicesOutput();
  let pods: LivePods | undefined;
  if (current.context.renderMode) {
    reporter.line("(render mode: there is no cluster to read pods from)");
  } else {
    try {
      // Loaded here, not at the top: the Kubernetes client adds about half a second to the start of every other command.
      const { readLivePods } = await import("../reports/livePods");
      pods = await readLivePods(current.kubeconfig, session.projectDir, current.config.namespace);
    } catch (error) {
      reporter.line(`(pods unknown: the cluster could not be read: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const statuses = serviceStatuses(outputs, pods);
  reporter.line(statuses.length === 0 ? `stack ${global.stack} has not been deployed yet` : formatStatus(statuses));
  reporter.result({ stack: global.stack, services: statuses });
  return EXIT.ok;
}

const SERVICES_KEY = namespacedKey("services");

/** `switchyard history <service>`: versions and weights per update, from the stack history. */
export async function showHistory(global: GlobalOptions, reporter: Reporter, service: string): Promise<number> {
  const session = await StackSession.open(global.cwd, global.stack);
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

/** `switchyard compare <service>`: the live color against the other one, as the stack config declares them. */
export async function showComparison(global: GlobalOptions, reporter: Reporter, service: string): Promise<number> {
  const session = await StackSession.open(global.cwd, global.stack);
  const comparison = compareColors(findService((await session.readConfig()).config, service));
  reporter.line(formatComparison(comparison));
  reporter.result({ stack: global.stack, ...comparison });
  return EXIT.ok;
}
