import type { z } from "zod";
import { resolveService } from "./defaults";
import { defaultsSchema, serviceSchema } from "./schema";
import type { ServiceConfig } from "./settings";

/** A service resolved from its well-formed fields; the others hold stand-ins and are listed as unreliable. */
export interface PartialService {
  readonly service: ServiceConfig;
  readonly unreliable: ReadonlySet<string>;
}

type Issue = z.core.$ZodIssue;
type Fields = Record<string, unknown>;

const STAND_INS: Readonly<Fields> = { image: "unknown", live: "blue" };

/**
 * Every service resolved as far as its well-formed fields (and the shared
 * defaults' well-formed fields) allow, so the cross-key rules can still run
 * next to the shape problems instead of waiting for the next attempt. A field
 * with a shape problem is dropped (required ones get a stand-in) and marked
 * unreliable, so rules that read it stay quiet.
 */
export function partialServices(raw: Readonly<Fields>, issues: readonly Issue[]): PartialService[] {
  const defaultsBad = fieldsWithIssues(issues, ["defaults"]);
  const rawDefaults = isRecord(raw.defaults) ? raw.defaults : {};
  const defaults = defaultsSchema.safeParse(known(rawDefaults, defaultsSchema.shape, defaultsBad));
  if (!defaults.success || !isRecord(raw.services)) return [];
  const shared = Object.keys(defaultsSchema.shape);
  const brokenDefaults = raw.defaults !== undefined && !isRecord(raw.defaults);

  return Object.entries(raw.services).flatMap(([name, value]): PartialService[] => {
    if (!isRecord(value)) return [];
    const bad = fieldsWithIssues(issues, ["services", name]);
    const fields = known(value, serviceSchema.shape, bad);
    const unreliable = new Set(bad);
    for (const [field, standIn] of Object.entries(STAND_INS)) {
      if (fields[field] === undefined) {
        fields[field] = standIn;
        unreliable.add(field);
      }
    }
    for (const field of shared) {
      if (value[field] === undefined && (defaultsBad.has(field) || brokenDefaults)) unreliable.add(field);
    }
    const service = serviceSchema.safeParse(fields);
    return service.success ? [{ service: resolveService(name, service.data, defaults.data, {}), unreliable }] : [];
  });
}

/** The first path segment below `prefix` of every issue inside it, e.g. `canary` for `services.checkout.canary`. */
function fieldsWithIssues(issues: readonly Issue[], prefix: readonly string[]): Set<string> {
  const fields = new Set<string>();
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (path.length > prefix.length && prefix.every((segment, index) => path[index] === segment)) fields.add(path[prefix.length]!);
  }
  return fields;
}

/** The fields a schema knows (unknown keys are reported elsewhere), without those that have problems. */
function known(value: Readonly<Fields>, shape: Readonly<Fields>, bad: ReadonlySet<string>): Fields {
  return Object.fromEntries(Object.entries(value).filter(([field]) => Object.hasOwn(shape, field) && !bad.has(field)));
}

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
