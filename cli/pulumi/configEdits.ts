import { parseDocument } from "yaml";
import { CONFIG_NAMESPACE } from "../../model/config/keys";
import type { ConfigChange } from "../edits/releaseEdits";

/** A key segment that maps one to one onto a YAML map key (service, field and variable names are all of this kind). */
const PLAIN_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Keeps the stack file's own layout: no folding of long values, `{a: 1}` flow maps as pulumi writes them. */
const LAYOUT = { lineWidth: 0, flowCollectionPadding: false } as const;

/**
 * Writes the plain config changes into the text of a stack file, as
 * `pulumi config set --path --type` would, in one step: starting one
 * `pulumi` per key cost about 0.15 s each, 11 s for `rollback --all` over
 * 20 services. Comments, key order and flow style stay (the yaml library
 * edits the document, not a re-dump). Secrets need the stack's secrets
 * provider, so they, and any key that is not a plain dotted path, are
 * returned for `pulumi config set`.
 */
export function writePlainChanges(text: string, changes: readonly ConfigChange[]): { readonly text: string; readonly viaPulumi: readonly ConfigChange[] } {
  const document = parseDocument(text);
  const viaPulumi: ConfigChange[] = [];
  for (const change of changes) {
    const segments = change.key.split(".");
    if (change.set?.type === "secret" || !segments.every((segment) => PLAIN_SEGMENT.test(segment))) {
      viaPulumi.push(change);
      continue;
    }
    const path = ["config", `${CONFIG_NAMESPACE}:${segments[0]}`, ...segments.slice(1)];
    if (change.set === undefined) {
      if (document.hasIn(path)) document.deleteIn(path);
    } else document.setIn(path, change.set.value);
  }
  return { text: document.toString(LAYOUT), viaPulumi };
}
