import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { MEMORY_OUTPUTS, parseStackMemory, type ReleaseHistory, type StackMemory, historyOutputs } from "../model/history";
import { EXPECTED_RECORD_ENV, recordedMeanwhile } from "../model/recordedState";
import { SERVICES_OUTPUT } from "../model/status";

/**
 * What the previous update of this very stack recorded in its outputs, read
 * through a StackReference to the stack itself (a read: nothing in the
 * cluster changes). The program cannot see its previous config, and this is
 * the one record that works the same on every backend, the file backend
 * included, in preview and in up: the engine serves the last checkpoint's
 * outputs, which a failed update leaves as they were. See docs/decisions.md.
 */
export async function readStackMemory(): Promise<StackMemory & { readonly recordedServices: unknown }> {
  const self = new pulumi.StackReference("previous-update", {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const [namespace, releaseHistory, secretState, recordedServices] = await Promise.all(
    [MEMORY_OUTPUTS.namespace, MEMORY_OUTPUTS.releaseHistory, MEMORY_OUTPUTS.secretState, SERVICES_OUTPUT].map(async (name) => {
      const details = await self.getOutputDetails(name);
      return details.secretValue ?? details.value;
    }),
  );
  return { ...parseStackMemory({ namespace, releaseHistory, secretState }), recordedServices };
}

/**
 * Stops the update, before it declares anything, when the switchyard command
 * that started it checked another recorded state than the one the previous
 * update left (see model/recordedState.ts). The program runs inside the
 * update's lock, so nothing can land between this check and the update.
 */
export function refuseIfRecordedMeanwhile(recordedServices: unknown): void {
  const problem = recordedMeanwhile(process.env[EXPECTED_RECORD_ENV], recordedServices, pulumi.getStack());
  if (problem !== undefined) throw new pulumi.RunError(problem);
}

/** A fresh Secret naming key for a stack that has none yet: 32 random bytes, hex. */
export function newSecretNameKey(): string {
  return randomBytes(32).toString("hex");
}

/** The outputs that carry the memory to the next update; the Secret part is a secret output. */
export function memoryOutputs(namespace: string, history: ReleaseHistory, secretNameKey: string): Record<string, unknown> {
  const { config, secrets } = historyOutputs(history);
  return {
    [MEMORY_OUTPUTS.namespace]: namespace,
    [MEMORY_OUTPUTS.releaseHistory]: config,
    [MEMORY_OUTPUTS.secretState]: pulumi.secret({ nameKey: secretNameKey, history: secrets }),
  };
}
