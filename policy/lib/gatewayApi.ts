import { field, isUnknown, list, path, UNKNOWN, type Data, type Unknown } from "./data";
import type { Route } from "./istio";

/**
 * The Gateway API's HTTPRoute read as routes, like a VirtualService's: each
 * rule is a route whose destinations are its backendRefs (Services, each
 * with a weight) and whose mirrors are its RequestMirror filters' backends.
 */

/** A backendRef that is a Service of the core API group (the default when group and kind are left out). */
export function isServiceBackend(ref: Data): boolean | Unknown {
  const group = field(ref, "group");
  const kind = field(ref, "kind");
  if (isUnknown(group) || isUnknown(kind)) return UNKNOWN;
  return (group === undefined || group === "") && (kind === undefined || kind === "Service");
}

/** Whether an HTTPRoute match takes every request: no header, query or method condition, and the path `/` as a prefix (or none). */
function matchesEverything(match: Data): boolean | Unknown {
  if (isUnknown(match)) return match;
  for (const condition of ["headers", "queryParams", "method"]) {
    const value = field(match, condition);
    if (isUnknown(value)) return value;
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) return false;
  }
  const type = path(match, "path", "type");
  const value = path(match, "path", "value");
  if (isUnknown(type) || isUnknown(value)) return UNKNOWN;
  return (type === undefined || type === "PathPrefix") && (value === undefined || value === "/");
}

/** A rule takes every request when it has no matches (the CRD then matches `/`) or one of its matches takes every request. */
function ruleMatchesEverything(matches: readonly Data[] | Unknown): boolean | Unknown {
  if (isUnknown(matches)) return matches;
  if (matches.length === 0) return true;
  let undecided = false;
  for (const match of matches) {
    const everything = matchesEverything(match);
    if (everything === true) return true;
    if (isUnknown(everything)) undecided = true;
  }
  return undecided ? UNKNOWN : false;
}

/** The backendRefs of a rule's RequestMirror filters. */
function mirrorsOf(rule: Data): readonly Data[] | Unknown {
  const filters = list(field(rule, "filters"));
  if (isUnknown(filters)) return filters;
  const mirrors: Data[] = [];
  for (const filter of filters) {
    const type = field(filter, "type");
    if (isUnknown(type)) return type;
    if (type !== "RequestMirror") continue;
    const backend = path(filter, "requestMirror", "backendRef");
    if (isUnknown(backend)) return backend;
    if (backend !== undefined) mirrors.push(backend);
  }
  return mirrors;
}

/** Every rule of an HTTPRoute as a route, in order; UNKNOWN when the spec is not known yet. */
export function httpRouteRulesOf(httpRoute: Data): readonly Route[] | Unknown {
  const rules = list(path(httpRoute, "spec", "rules"));
  if (isUnknown(rules)) return rules;
  return rules.map((rule, index) => {
    const name = field(rule, "name");
    return {
      label: typeof name === "string" ? `rule "${name}"` : `rule ${index + 1}`,
      matchesEverything: ruleMatchesEverything(list(field(rule, "matches"))),
      destinations: list(field(rule, "backendRefs")),
      mirrors: mirrorsOf(rule),
    };
  });
}
