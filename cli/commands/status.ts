import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import { kubeconfigSetting } from "../kube/kubeconfig";
import type { LiveCluster } from "../reports/livePods";
import { formatStatus, serviceStatuses, withGroups } from "../reports/status";

/** `switchyard status`: the last update's `services` output joined with the pods the cluster runs now. */
export async function showStatus(context: CommandContext): Promise<number> {
  const { options: global, reporter } = context;
  const session = await context.openStack();
  const current = await session.readConfig();
  const [outputs, via] = await Promise.all([session.servicesOutput(), session.describe()]);
  reporter.line(`stack ${global.stack} · pulumi ${via.pulumi} · backend ${via.backend}`);
  let cluster: LiveCluster | undefined;
  if (current.context.renderMode) {
    reporter.line("(render mode: there is no cluster to read pods from)");
  } else {
    try {
      const { readLiveCluster } = await import("../reports/livePods");
      cluster = await readLiveCluster(kubeconfigSetting(session.projectDir, current), current.config.namespace);
    } catch (error) {
      reporter.line(`(pods unknown: the cluster could not be read: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const { groups } = current.config;
  const statuses = withGroups(serviceStatuses(outputs, cluster), groups);
  reporter.line(statuses.length === 0 ? `stack ${global.stack} has not been deployed yet` : formatStatus(statuses, groups));
  reporter.result({ stack: global.stack, pulumi: via.pulumi, backend: via.backend, services: statuses, ...(groups.length === 0 ? {} : { groups }) });
  return EXIT.ok;
}
