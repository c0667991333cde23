import { ZodObject, ZodOptional, ZodRecord, type z } from "zod";
import { HIDDEN_SECRET, type ConfigProblem } from "./problems";
import { valueAt } from "./provenance";
import { stackConfigSchema } from "./schema";

/** One problem per zod issue (one per unknown key), worded with the offending value from the raw input. */
export function shapeProblems(error: z.ZodError, raw: Record<string, unknown>): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((unknownKey) => ({
        key: [...path, unknownKey].join("."),
        value: path[0] === "secrets" ? HIDDEN_SECRET : valueAt(raw, [...path, unknownKey]),
        allowed: `no such setting, ${knownKeysAt([...path, unknownKey])}`,
      }));
    }
    if (issue.code === "invalid_key") {
      // A map key (service or variable name) broke its rule: report the key's own rule.
      return [{ key: path.join("."), value: path[path.length - 1], allowed: issue.issues[0]?.message ?? issue.message }];
    }
    const value = path[0] === "secrets" ? HIDDEN_SECRET : valueAt(raw, path);
    const key = path.join(".");
    // An allowed text may show the fix for this very key, e.g. `pulumi config rm --path '{key}'`.
    return [{ key, value, allowed: issue.message.replaceAll("{key}", key) }];
  });
}

/** The settings valid where an unknown key was found, with the closest one first when it looks like a typo. */
function knownKeysAt(path: readonly string[]): string {
  const known = Object.keys(objectSchemaAt(path.slice(0, -1))?.shape ?? {});
  const typoOf = known.find((candidate) => editDistance(candidate, path[path.length - 1] ?? "") <= 2);
  const list = `known here: ${known.join(", ")}`;
  return typoOf === undefined ? list : `did you mean ${typoOf}? ${list}`;
}

function objectSchemaAt(path: readonly string[]): z.ZodObject | undefined {
  let schema: z.ZodType = stackConfigSchema;
  for (const segment of path) {
    const node = unwrapOptional(schema);
    if (node instanceof ZodObject) schema = node.shape[segment];
    else if (node instanceof ZodRecord) schema = node.valueType as z.ZodType;
    else return undefined;
    if (schema === undefined) return undefined;
  }
  const node = unwrapOptional(schema);
  return node instanceof ZodObject ? node : undefined;
}

function unwrapOptional(schema: z.ZodType): z.ZodType {
  return schema instanceof ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
