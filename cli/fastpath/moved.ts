/** One service's traffic is where the edit wants it, on the cluster, before anything is recorded. */
export interface TrafficMoved {
  readonly service: string;
  /** `namespace/name` of the route object. */
  readonly object: string;
  /** Its kind: `VirtualService` or `HTTPRoute`. */
  readonly kind: string;
  /** `100% blue` or `75% blue, 25% green`. */
  readonly split: string;
  /** Seconds since the command started when the API server accepted the apply. */
  readonly safeAtSeconds: number;
  readonly resourceVersion: string;
}

/** `+0.09 s (VirtualService shop/checkout: 100% blue)`, one entry per service. */
export function movedAt(moved: readonly TrafficMoved[]): string {
  return moved.map((m) => `+${m.safeAtSeconds.toFixed(2)} s (${m.kind} ${m.object}: ${m.split})`).join(", ");
}
