import { summarize, type Summary } from "../stats";
import { runCommand } from "./commands";

/**
 * Each tool's start-up: the wall time of a command that starts the CLI and
 * does nothing else (`switchyard --help`, `kubectl argo rollouts version`),
 * taking turns so a burst of other work on the machine hits both alike.
 */

export interface StartupFigures {
  readonly switchyard: Summary;
  readonly argo: Summary;
}

export async function measureStartup(switchyard: readonly string[], argo: readonly string[], runs: number): Promise<StartupFigures> {
  const times = { switchyard: [] as number[], argo: [] as number[] };
  // One untimed run each first: the page cache, not the tool, would be measured otherwise.
  await runCommand(switchyard);
  await runCommand(argo);
  for (let run = 0; run < runs; run++) {
    for (const [tool, argv] of [["switchyard", switchyard], ["argo", argo]] as const) {
      const measured = await runCommand(argv);
      times[tool].push((measured.endMs - measured.startMs) / 1000);
    }
  }
  return { switchyard: summarize(times.switchyard), argo: summarize(times.argo) };
}
