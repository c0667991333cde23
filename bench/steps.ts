/**
 * What the engine reports about a run: resources by type, and which of them
 * a `pulumi up` changed.
 */

/** Resources that exist once per stack, not per service (the StackReference is the program's read of its own stack). */
const STACK_WIDE = new Set(["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference", "kubernetes:core/v1:Namespace", "switchyard:mesh:Namespace"]);

/** Resources registered per service: everything but the stack itself, providers and the namespace, divided by the services. */
export function perService(types: readonly string[], services: number): number {
  const ofServices = types.filter((type) => !STACK_WIDE.has(type) && !type.startsWith("pulumi:providers:"));
  return ofServices.length / services;
}

/** Resource types of `pulumi preview --json` (one JSON document with `steps`). */
export function previewTypes(previewJson: string): string[] {
  const steps: { urn: string }[] = JSON.parse(previewJson).steps ?? [];
  return steps.map((step) => urnType(step.urn));
}

/** The resource's own type: the last of the parent-type chain in a URN. */
export function urnType(urn: string): string {
  return urn.split("::")[2]!.split("$").pop()!;
}

/**
 * Changes made by `pulumi up --json` (one engine event a line): completed
 * steps other than `same` and `read`, counted by `<op> <short type>`, such as
 * `update VirtualService`.
 */
export function changes(upEvents: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of upEvents.split("\n")) {
    if (line.trim() === "") continue;
    const step = JSON.parse(line).resOutputsEvent?.metadata;
    // The program's read of its own stack's outputs (resources/stackMemory.ts) changes nothing.
    if (step === undefined || step.op === "same" || step.op === "read") continue;
    const key = `${step.op} ${step.type.split(":").pop()}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** A rollback must change one VirtualService per service rolled back, and nothing else. */
export function isExactRollback(changed: Readonly<Record<string, number>>, services: number): boolean {
  const keys = Object.keys(changed);
  return keys.length === 1 && changed["update VirtualService"] === services;
}
