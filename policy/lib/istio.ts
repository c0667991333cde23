import { field, isUnknown, list, path, type Data, type Unknown } from "./data";

/** The route lists of a VirtualService; each carries weighted destinations. */
const ROUTE_LISTS = ["http", "tcp", "tls"] as const;

export interface Route {
  /** e.g. `http route "weighted"` or `tcp route 1`, for messages. */
  readonly label: string;
  /** A route without match conditions takes every request the routes before it did not: ordinary traffic. */
  readonly matchesEverything: boolean | Unknown;
  readonly destinations: readonly Data[] | Unknown;
  /** Where the route copies requests to (Istio's `mirror`, an HTTPRoute's RequestMirror backends); responses are discarded. */
  readonly mirrors: readonly Data[] | Unknown;
}

/** Every route of a VirtualService, in order; UNKNOWN when the spec is not known yet. */
export function routesOf(virtualService: Data): readonly Route[] | Unknown {
  const spec = field(virtualService, "spec");
  if (isUnknown(spec)) return spec;
  const routes: Route[] = [];
  for (const listName of ROUTE_LISTS) {
    const entries = list(field(spec, listName));
    if (isUnknown(entries)) return entries;
    entries.forEach((route, index) => {
      const name = field(route, "name");
      const match = list(field(route, "match"));
      const mirror = field(route, "mirror");
      routes.push({
        label: typeof name === "string" ? `${listName} route "${name}"` : `${listName} route ${index + 1}`,
        matchesEverything: isUnknown(match) ? match : match.length === 0,
        destinations: list(field(route, "route")),
        // A destination like the route's own, so one reading serves both.
        mirrors: isUnknown(mirror) ? mirror : mirror === undefined ? [] : [{ destination: mirror }],
      });
    });
  }
  return routes;
}

/**
 * The share of a route's traffic a destination receives, as Istio reads it:
 * a route's only destination takes everything when it states no weight.
 * undefined when a destination of a split states none.
 */
export function weightOf(destination: Data, destinations: readonly Data[]): number | Unknown | undefined {
  const weight = field(destination, "weight");
  if (weight === undefined && destinations.length === 1) return 100;
  if (typeof weight === "number" || isUnknown(weight)) return weight;
  return undefined;
}

export interface DestinationRef {
  readonly host: string | Unknown | undefined;
  readonly subset: string | Unknown | undefined;
}

export function destinationOf(destination: Data): DestinationRef {
  const text = (value: Data | undefined) => (typeof value === "string" || isUnknown(value) ? value : undefined);
  return {
    host: text(path(destination, "destination", "host")),
    subset: text(path(destination, "destination", "subset")),
  };
}

/**
 * A host as Istio resolves it from a rule in `namespace`: a short name is a
 * Service of that namespace.
 */
export function qualifiedHost(host: string, namespace: string | Unknown | undefined): string {
  if (host.includes(".") || typeof namespace !== "string") return host;
  return `${host}.${namespace}.svc.cluster.local`;
}
