import { BootstrapError } from "./lib/goBuild";
import { clusterStatus, DEV_CLUSTER, startCluster, stopCluster } from "./lib/cluster";

/**
 * npm run cluster -- start|stop|status [name]
 * `start` is idempotent and prints the kubeconfig path on its last line.
 */
function main(command: string | undefined, name = DEV_CLUSTER): void {
  switch (command) {
    case "start": {
      const result = startCluster(name, (line) => console.error(`[cluster] ${line}`));
      console.error(result.started ? `[cluster] ${name} started in ${result.seconds.toFixed(1)} s` : `[cluster] ${name} already running`);
      console.log(result.kubeconfig);
      return;
    }
    case "stop":
      stopCluster(name);
      console.error(`[cluster] ${name} stopped`);
      return;
    case "status":
      console.log(clusterStatus(name));
      return;
    default:
      console.error("usage: npm run cluster -- start|stop|status [name]");
      process.exit(2);
  }
}

try {
  main(process.argv[2], process.argv[3]);
} catch (error) {
  console.error(`[cluster] ${error instanceof BootstrapError ? error.message : error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
