import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "./policySdk";
import type { FixtureResource } from "./fixtures";

/** Policy config as a policy pack config file holds it for one policy, without the enforcement level. */
export type PolicyOptions = Record<string, unknown>;

/** A violation message split into its parts, so a test states each exactly. */
export interface Violation {
  /** The resource and what is wrong with it, with the offending value. */
  readonly what: string;
  readonly rule: string;
  readonly fix: string;
  /** The URN the violation was reported on, for stack policies. */
  readonly urn?: string;
}

function parse(message: string, urn?: string): Violation {
  const match = /^(.*?)\. Rule: (.*)\. Fix: (.*)\.$/s.exec(message);
  if (match === null) throw new Error(`violation message without "Rule:" and "Fix:": ${message}`);
  return { what: match[1]!, rule: match[2]!, fix: match[3]!, ...(urn === undefined ? {} : { urn }) };
}

/** Resource options as the engine reports them for a resource registered without any. */
const RESOURCE_OPTIONS: PolicyResource["opts"] = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

const notApplicable = (reason?: string): never => {
  throw new Error(`notApplicable(${reason ?? ""})`);
};

/** Runs a resource policy on one resource the way the analyzer does, collecting what it reports. */
export async function checkResource(policy: ResourceValidationPolicy, resource: FixtureResource, options: PolicyOptions = {}): Promise<Violation[]> {
  const messages: string[] = [];
  const args: ResourceValidationArgs = {
    type: resource.type,
    props: resource.props,
    urn: resource.urn,
    name: resource.name,
    opts: RESOURCE_OPTIONS,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => options as T,
    notApplicable,
  };
  const validations = [policy.validateResource ?? []].flat();
  for (const validate of validations) await validate(args, (message) => messages.push(message));
  return messages.map((message) => parse(message));
}

/** Runs a resource policy on every resource of a stack. */
export async function checkEachResource(policy: ResourceValidationPolicy, resources: readonly FixtureResource[], options: PolicyOptions = {}): Promise<Violation[]> {
  const all: Violation[] = [];
  for (const resource of resources) all.push(...(await checkResource(policy, resource, options)));
  return all;
}

/** Runs a stack policy the way the analyzer does: dependencies are the resources behind the recorded URNs. */
export async function checkStack(policy: StackValidationPolicy, resources: readonly FixtureResource[], options: PolicyOptions = {}): Promise<Violation[]> {
  const byUrn = new Map<string, PolicyResource>();
  const policyResources = resources.map((resource) => {
    const policyResource: PolicyResource = {
      type: resource.type,
      props: resource.props,
      urn: resource.urn,
      name: resource.name,
      opts: RESOURCE_OPTIONS,
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byUrn.set(resource.urn, policyResource);
    return policyResource;
  });
  resources.forEach((resource, index) => {
    policyResources[index]!.dependencies = resource.dependencies.flatMap((urn) => byUrn.get(urn) ?? []);
  });
  const violations: Violation[] = [];
  const args: StackValidationArgs = { resources: policyResources, stackTags: new Map(), getConfig: <T extends object>() => options as T, notApplicable };
  await policy.validateStack(args, (message, urn) => violations.push(parse(message, urn)));
  return violations;
}
