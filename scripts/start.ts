import * as path from "node:path";
import { bootstrap } from "./bootstrap";
import { BootstrapError } from "./lib/goBuild";
import { pulumiEnvironment, runPulumi, type PulumiEnvironment } from "./lib/environment";
import { trafficTable } from "./lib/status";

const STACK = "dev";

/** `npm start`: build the toolchain if needed, then deploy the dev stack with the real CLI. */
function start(): void {
  bootstrap();
  const environment = pulumiEnvironment();
  runPulumi(environment, ["stack", "select", STACK, "--create", "--non-interactive"]);
  console.log(`\n$ pulumi up --yes --stack ${STACK}`);
  runPulumi(environment, ["up", "--yes", "--stack", STACK, "--non-interactive"], { inherit: true });
  report(environment);
}

function report(environment: PulumiEnvironment): void {
  const renderDir = configValue(environment, "kubernetes:renderYamlToDirectory");
  if (renderDir !== undefined) {
    console.log(`\nManifests rendered to ${path.resolve(environment.projectDir, renderDir)}`);
  }
  const output = runPulumi(environment, ["stack", "output", "services", "--json", "--stack", STACK]).stdout;
  console.log(`\nservices output (pulumi stack output services --json):\n${output}`);
  console.log(trafficTable(JSON.parse(output)));
}

function configValue(environment: PulumiEnvironment, key: string): string | undefined {
  const result = runPulumi(environment, ["config", "get", key, "--stack", STACK], { allowFailure: true });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

try {
  start();
} catch (error) {
  console.error(error instanceof BootstrapError ? `[start] ${error.message}` : error instanceof Error ? error.message : error);
  process.exit(1);
}
