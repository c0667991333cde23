import type { ServiceConfig } from "../../model/config/settings";
import { ConfigError, formatProblem } from "../../model/config/problems";
import { UsageError } from "../context/errors";
import type { CurrentConfig } from "../pulumi/session";
import { checkEdit, checkEdits, type CheckedEdit } from "./apply";
import { findService, type ReleaseEdit } from "./releaseEdits";

/** The services a release verb acts on: named on the command line, or `--all`. */
export type ServiceSelection = { readonly names: readonly string[] } | { readonly all: true };

/**
 * The verb's edits for the selected services, checked together with the
 * program's parser. A named service the verb cannot apply to is an error
 * (nothing is changed); with `--all`, such a service is left out and said
 * in `skipped` (a one-color service has nothing to roll back), and only no
 * service at all is an error.
 */
export function selectEdits(
  current: Pick<CurrentConfig, "raw" | "context" | "config">,
  selection: ServiceSelection,
  verb: string,
  build: (service: ServiceConfig) => ReleaseEdit,
): { readonly checked: CheckedEdit; readonly skipped: readonly string[] } {
  if ("names" in selection) {
    const names = [...new Set(selection.names)];
    return { checked: checkEdits(current, names.map((name) => build(findService(current.config, name)))), skipped: [] };
  }
  const edits: ReleaseEdit[] = [];
  const skipped: string[] = [];
  for (const service of current.config.services) {
    try {
      const edit = build(service);
      checkEdit(current, edit);
      edits.push(edit);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      skipped.push(`${service.name}: ${error.problems.map(formatProblem).join("; ")}`);
    }
  }
  if (edits.length === 0) {
    throw new UsageError(`--all: no service of this stack can ${verb}:\n${skipped.map((line) => `  ${line}`).join("\n")}`);
  }
  return { checked: checkEdits(current, edits), skipped };
}
