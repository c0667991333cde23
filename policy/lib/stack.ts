import type { PolicyResource } from "@pulumi/policy";
import { isUnknown, path, type Data, type Unknown, UNKNOWN } from "./data";
import { knownData } from "./knownValues";

/** A resource of the stack with its properties read once, unknowns marked (see knownValues.ts). */
export interface StackResource {
  readonly resource: PolicyResource;
  readonly props: Data;
}

export function readStack(resources: readonly PolicyResource[]): StackResource[] {
  return resources.map((resource) => ({ resource, props: knownData(resource.props) }));
}

export function ofType(stack: readonly StackResource[], isType: (type: string) => boolean): StackResource[] {
  return stack.filter((entry) => isType(entry.resource.type));
}

export function namespaceOf(props: Data): string | Unknown | undefined {
  const namespace = path(props, "metadata", "namespace");
  return typeof namespace === "string" || isUnknown(namespace) ? namespace : undefined;
}

/** Whether two objects live in one namespace; UNKNOWN while either namespace is not known. */
export function sameNamespace(a: Data, b: Data): boolean | Unknown {
  const first = namespaceOf(a);
  const second = namespaceOf(b);
  if (isUnknown(first) || isUnknown(second)) return UNKNOWN;
  return first === second;
}

/** URNs a resource waits for: its dependsOn, and the resources any of its inputs came from. */
export function dependencyUrns(resource: PolicyResource): ReadonlySet<string> {
  const fromInputs = Object.values(resource.propertyDependencies).flat();
  return new Set([...resource.dependencies, ...fromInputs].map((dependency) => dependency.urn));
}
