import { z } from "zod";
import { COLORS, type Color } from "./config/schema";
import type { ServicePlan } from "./plan";

/**
 * One service's entry in the `services` stack output, so that
 * `pulumi stack output services` is the status page. The program writes it
 * (images may still be unresolved Outputs there, hence `Image`); the command
 * and `npm start` read it back as plain JSON through `servicesOutputSchema`.
 */
export interface ServiceOutput<Image = string> {
  readonly live: Color;
  readonly canary: number;
  readonly weights: Readonly<Record<Color, number>>;
  readonly versions: Readonly<Partial<Record<Color, string>>>;
  readonly images: Readonly<Partial<Record<Color, Image>>>;
  /** Pods each deployed color is asked to run. */
  readonly replicas: Readonly<Partial<Record<Color, number>>>;
}

/** The name of the stack output that is the status page. */
export const SERVICES_OUTPUT = "services";

/** The `services` output of a stack, per service name. */
export type ServicesOutput = Readonly<Record<string, ServiceOutput>>;

/** What the program exports for one planned service; `images` holds the built digest where the slot builds its own image. */
export function serviceOutput<Image>(plan: ServicePlan, builtImages: Readonly<Partial<Record<Color, Image>>>): ServiceOutput<Image | string> {
  return {
    live: plan.service.live,
    canary: plan.service.canary,
    weights: { ...plan.weights },
    versions: Object.fromEntries(plan.colors.map((c) => [c.color, c.slot.version])),
    images: Object.fromEntries(plan.colors.map((c) => [c.color, builtImages[c.color] ?? c.image])),
    replicas: Object.fromEntries(plan.colors.map((c) => [c.color, c.replicas])),
  };
}

const perColor = <T extends z.ZodType>(value: T) => z.object({ blue: value.optional(), green: value.optional() });

const serviceOutputSchema = z.object({
  live: z.enum(COLORS),
  canary: z.number(),
  weights: z.object({ blue: z.number(), green: z.number() }),
  versions: perColor(z.string()),
  images: perColor(z.string()).default({}),
  replicas: perColor(z.number()).default({}),
});

/** Reads a stack's `services` output; a stack written by an older switchyard that lacks a field gets an error naming it. */
export function parseServicesOutput(value: unknown): ServicesOutput {
  const parsed = z.record(z.string(), serviceOutputSchema).safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`the stack output services.${issue.path.join(".")} is not what switchyard writes (${issue.message}); run pulumi up with this version of switchyard`);
}
