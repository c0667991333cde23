import { BootstrapError } from "./lib/goBuild";
import { BackendInstance, DEV_BACKEND, formatStatus } from "./lib/postgres";

/**
 * npm run backend -- start|stop|status [name] [port]
 * A local PostgreSQL server holding Pulumi state (dev/lib/postgres.ts).
 * `start` is idempotent and prints the backend URL, password included, on
 * its last line (stdout); everything else goes to stderr, without it. A port
 * is needed only to create a second instance beside the default one: an
 * instance keeps the port it was created with.
 */
function main(command: string | undefined, name = DEV_BACKEND, portArgument?: string): void {
  const log = (line: string) => console.error(`[backend] ${line}`);
  switch (command) {
    case "start": {
      const port = portArgument === undefined ? undefined : Number(portArgument);
      if (port !== undefined && !(Number.isInteger(port) && port >= 1024 && port <= 65535)) throw new BootstrapError(`invalid port "${portArgument}": 1024..65535`);
      const instance = new BackendInstance(name, { log, ...(port === undefined ? {} : { port }) });
      const result = instance.start();
      log(
        result.started
          ? `${name} ${result.created ? "created and " : ""}started in ${result.seconds.toFixed(1)} s on 127.0.0.1:${instance.port}`
          : `${name} already running on 127.0.0.1:${instance.port}`,
      );
      log(`the same backend without the password in the URL (read from ${instance.pgpassFile}): ${instance.passfileUrl}`);
      console.log(result.url);
      return;
    }
    case "stop": {
      const stopped = new BackendInstance(name, { log }).stop();
      log(stopped ? `${name} stopped` : `${name} was not running`);
      return;
    }
    case "status":
      console.log(formatStatus(new BackendInstance(name).status()));
      return;
    default:
      console.error("usage: npm run backend -- start|stop|status [name] [port]");
      process.exit(2);
  }
}

try {
  main(process.argv[2], process.argv[3], process.argv[4]);
} catch (error) {
  console.error(`[backend] ${error instanceof BootstrapError ? error.message : error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
