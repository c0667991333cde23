/** One service's entry in the `services` stack output. */
export interface ServiceStatusOutput {
  live: "blue" | "green";
  canary: number;
  weights: Partial<Record<"blue" | "green", number>>;
  versions: Partial<Record<"blue" | "green", string>>;
  replicas?: Partial<Record<"blue" | "green", number>>;
}

/** One line per service, e.g. `checkout  live blue   blue 1.4.2 100% (2 pods)  green 1.5.0 0% (1 pod)`. */
export function trafficTable(services: Record<string, ServiceStatusOutput>): string {
  const names = Object.keys(services).sort();
  const width = Math.max(7, ...names.map((name) => name.length));
  const header = `${"service".padEnd(width)}  live   colors (version, weight, pods)`;
  const rows = names.map((name) => {
    const status = services[name]!;
    const colors = (["blue", "green"] as const)
      .filter((color) => status.versions[color] !== undefined)
      .map((color) => {
        const pods = status.replicas?.[color];
        const podText = pods === undefined ? "" : ` (${pods} ${pods === 1 ? "pod" : "pods"})`;
        return `${color} ${status.versions[color]} ${status.weights[color] ?? 0}%${podText}`;
      });
    return `${name.padEnd(width)}  ${status.live.padEnd(5)}  ${colors.join("   ")}`;
  });
  return [header, ...rows].join("\n");
}
