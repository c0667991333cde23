import * as pulumi from "@pulumi/pulumi";

/** One resource registration as the engine would see it. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent: string;
  /** URNs from `dependsOn` (and from Outputs of other resources used as inputs). */
  readonly dependencies: readonly string[];
  /** Inputs after Outputs resolved, as a provider would receive them. */
  readonly inputs: Record<string, any>;
  /** The `retainOnDelete` option as the engine receives it. */
  readonly retainOnDelete: boolean;
  /** Names of the `aliases` given as specs (e.g. `{ name: "checkout-blue-config" }`). */
  readonly aliasNames: readonly string[];
  /** Parent URNs of the `aliases` given as specs, each once. */
  readonly aliasParents: readonly string[];
}

export interface Recorder {
  readonly registrations: Registration[];
  /** Waits until every registration started so far, and every one those trigger, has finished. */
  settle(): Promise<void>;
  ofType(type: string): Registration[];
  byName(type: string, name: string): Registration;
}

interface PendingRegistration {
  type: string;
  name: string;
  parent: string;
  dependencies: string[];
  retainOnDelete: boolean;
  aliasNames: string[];
  aliasParents: string[];
}

/**
 * Installs Pulumi mocks that record every registration, including parent and
 * dependencies, which the mocks API alone does not expose: the resource
 * monitor is wrapped to read them off the engine request.
 */
export function recordRegistrations(
  options: {
    preview?: boolean;
    /** Extra output state a provider would compute for a resource (e.g. a pushed image's digest). */
    outputs?: (type: string, inputs: Record<string, any>) => Record<string, any>;
  } = {},
): Recorder {
  const registrations: Registration[] = [];
  const requests = new Map<string, PendingRegistration>();
  let inFlight = 0;

  pulumi.runtime.setMocks(
    {
      newResource(args) {
        // As the engine answers a reference to a stack without outputs (the program reads its own stack's); `outputs` may give some.
        const engine = args.type === "pulumi:pulumi:StackReference" ? { outputs: {}, secretOutputNames: [] } : {};
        const computed = options.outputs?.(args.type, args.inputs) ?? {};
        return { id: args.inputs?.metadata?.name ?? `${args.name}-id`, state: { ...args.inputs, ...engine, ...computed } };
      },
      call(args) {
        return args.inputs;
      },
    },
    "switchyard",
    "test",
    options.preview ?? false,
    // The file backend's organization: the program references its own stack by its full name.
    "organization",
  );

  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request: any, callback: (error: unknown, response: any) => void) => {
    const key = `${request.getType()}::${request.getName()}`;
    requests.set(key, {
      type: request.getType(),
      name: request.getName(),
      parent: request.getParent(),
      dependencies: request.getDependenciesList(),
      retainOnDelete: request.getRetainondelete() === true,
      aliasNames: request
        .getAliasesList()
        .map((alias: any) => alias.getSpec()?.getName())
        .filter((name: unknown): name is string => typeof name === "string" && name !== ""),
      aliasParents: [
        ...new Set<string>(
          request
            .getAliasesList()
            .map((alias: any) => alias.getSpec()?.getParenturn())
            .filter((urn: unknown): urn is string => typeof urn === "string" && urn !== ""),
        ),
      ],
    });
    inFlight++;
    return register(request, (error: unknown, response: any) => {
      inFlight--;
      if (!error) {
        const pending = requests.get(key)!;
        const state = response.getObject()?.toJavaScript() ?? {};
        registrations.push({ ...pending, urn: response.getUrn(), inputs: state });
      }
      callback(error, response);
    });
  };

  return {
    registrations,
    async settle() {
      let quietTurns = 0;
      let seen = -1;
      while (quietTurns < 25) {
        await new Promise((resolve) => setImmediate(resolve));
        const changed = seen !== registrations.length || inFlight > 0;
        seen = registrations.length;
        quietTurns = changed ? 0 : quietTurns + 1;
      }
    },
    ofType(type) {
      return registrations.filter((r) => r.type === type);
    },
    byName(type, name) {
      const found = registrations.find((r) => r.type === type && r.name === name);
      if (found === undefined) {
        const known = registrations.map((r) => `${r.type} ${r.name}`).join("\n  ");
        throw new Error(`no ${type} named ${name}; registered:\n  ${known}`);
      }
      return found;
    },
  };
}
