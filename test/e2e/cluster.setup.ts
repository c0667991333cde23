import { startCluster, stopCluster, TEST_CLUSTER } from "../../dev/lib/cluster";

/**
 * Vitest global setup of the end-to-end project: the tests' own local
 * cluster is started once and stopped when the run ends, unless it was
 * already running before (then it is left as it was found).
 */
export default function setup(): () => void {
  const result = startCluster(TEST_CLUSTER, (line) => console.log(`[e2e cluster] ${line}`));
  console.log(`[e2e cluster] ${result.started ? `started in ${result.seconds.toFixed(1)} s` : "already running"}: ${result.kubeconfig}`);
  return () => {
    if (result.started) stopCluster(TEST_CLUSTER);
  };
}
