import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import type { LivePods } from "../reports/livePods";
import { formatStatus, serviceStatuses } from "../reports/status";

/** `switchyard status`: the last update's `services` output joined with the pods the cluster runs now. */
export async function showStatus(context: CommandContext): Promise<number> {
  const { options: global, reporter } = context;
  const session = await context.openStack();
  const current = await session.readConfig();
  const [outputs, via] = await Promise.all([session.servicesOutput(), session.describe()]);
  reporter.line(`stack ${global.stack} · pulumi ${via.pulumi} · backend ${via.backend}`);
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
  reporter.result({ stack: global.stack, pulumi: via.pulumi, backend: via.backend, services: statuses });
  return EXIT.ok;
}
