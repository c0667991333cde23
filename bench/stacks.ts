/**
 * Stack config of the benchmark: N services that look like real ones (both
 * colors deployed, two replicas, a PodDisruptionBudget per color), written
 * once as switchyard config and once as the baseline program's config.
 */

export type Color = "blue" | "green";

/** One service as the benchmark writes it under `services.<name>`; every field explicit so the baseline needs no defaults. */
export interface BenchService {
  readonly image: string;
  readonly port: number;
  readonly replicas: number;
  readonly blue: { readonly version: string; readonly env: Readonly<Record<string, string>> };
  readonly green: { readonly version: string; readonly env: Readonly<Record<string, string>> };
  readonly live: Color;
  readonly canary: number;
}

/** `svc-001`, `svc-002`, ...: sorted names, so stack config and output read in order. */
export function serviceName(index: number): string {
  return `svc-${String(index + 1).padStart(3, "0")}`;
}

export function benchServices(count: number, live: Color): Record<string, BenchService> {
  const services: Record<string, BenchService> = {};
  for (let index = 0; index < count; index++) {
    const name = serviceName(index);
    services[name] = {
      image: `registry.example.com/bench/${name}`,
      port: 8080,
      replicas: 2,
      blue: { version: "1.0.0", env: { LOG_LEVEL: "info", FEATURE_NEW_PATH: "false" } },
      green: { version: "1.1.0", env: { LOG_LEVEL: "info", FEATURE_NEW_PATH: "true" } },
      live,
      canary: 0,
    };
  }
  return services;
}

export interface StackSettings {
  readonly services: number;
  readonly live: Color;
  readonly namespace: string;
  readonly kubeconfig: string;
}

/**
 * Full stack config, keyed as in a Pulumi.<stack>.yaml. `configNamespace`
 * is the project's config namespace: `switchyard` for the program, the
 * baseline's project name for the baseline, which reads the same keys.
 */
export function stackConfig(configNamespace: string, settings: StackSettings): Record<string, unknown> {
  return {
    "kubernetes:kubeconfig": settings.kubeconfig,
    [`${configNamespace}:namespace`]: settings.namespace,
    [`${configNamespace}:services`]: benchServices(settings.services, settings.live),
  };
}

/**
 * `config set-all` arguments that switch the live color of every service:
 * a promotion or a rollback of all of them in one `pulumi up`.
 */
export function liveColorArgs(configNamespace: string, services: number, live: Color): string[] {
  const args = ["config", "set-all", "--path"];
  for (let index = 0; index < services; index++) {
    args.push("--plaintext", `${configNamespace}:services.${serviceName(index)}.live=${live}`);
  }
  return args;
}
