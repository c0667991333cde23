import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { destinationOf, qualifiedHost, routesOf, weightOf } from "../lib/istio";
import { field, isUnknown, list, path, stringMap, UNKNOWN, type Unknown } from "../lib/data";
import { annotationsOf, describeResource, formatLabels, isDestinationRule, isVirtualService, replicasOf, TYPES } from "../lib/kubernetes";
import { sameLabels } from "../lib/labelSelector";
import { violationMessage } from "../lib/messages";
import { dependencyUrns, namespaceOf, ofType, readStack, sameNamespace, type StackResource } from "../lib/stack";

/** The Kubernetes provider's annotation that makes Pulumi stop waiting for a resource to become ready. */
const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

const READY_RULE =
  "traffic only goes to ready capacity: a subset with weight above 0 is a Deployment with replicas above 0 that the VirtualService depends on and that Pulumi waits for (no pulumi.com/skipAwait), so the weights change only once its pods are ready";
const SUBSET_RULE =
  "a DestinationRule subset selects exactly the labels a Deployment selects its pods by (spec.selector.matchLabels), so the subset is that Deployment's pods and no others";

type Labels = Readonly<Record<string, string>>;

interface Subset {
  readonly name: string;
  readonly labels: Labels | Unknown;
}

interface Problem {
  readonly problem: string;
  readonly fix: string;
}

const describe = (entry: StackResource) => describeResource(entry.resource.type, entry.props, entry.resource.name);

function subsetsOf(rule: StackResource): Subset[] | Unknown {
  const subsets = list(path(rule.props, "spec", "subsets"));
  if (isUnknown(subsets)) return subsets;
  return subsets.map((subset) => {
    const name = field(subset, "name");
    return { name: typeof name === "string" ? name : "(not known yet)", labels: stringMap(field(subset, "labels")) };
  });
}

/**
 * The Deployment in the rule's namespace whose selector is exactly these
 * labels; UNKNOWN while a Deployment whose namespace or selector is not
 * known yet could be it; undefined when there is none.
 */
function deploymentSelecting(rule: StackResource, labels: Labels, deployments: readonly StackResource[]): StackResource | Unknown | undefined {
  let undecided = false;
  for (const deployment of deployments) {
    const inNamespace = sameNamespace(rule.props, deployment.props);
    const selector = stringMap(path(deployment.props, "spec", "selector", "matchLabels"));
    if (inNamespace === false) continue;
    if (isUnknown(inNamespace) || isUnknown(selector)) undecided = true;
    else if (sameLabels(selector, labels)) return deployment;
  }
  return undecided ? UNKNOWN : undefined;
}

function checkSubsets(rule: StackResource, deployments: readonly StackResource[], report: ReportViolation): void {
  const subsets = subsetsOf(rule);
  if (isUnknown(subsets)) return;
  for (const { name, labels } of subsets) {
    if (isUnknown(labels) || deploymentSelecting(rule, labels, deployments) !== undefined) continue;
    const namespace = namespaceOf(rule.props);
    const where = typeof namespace === "string" ? ` in namespace ${namespace}` : "";
    report(
      violationMessage({
        resource: `${describe(rule)} subset "${name}"`,
        problem: `selects pods labelled ${formatLabels(labels)}, but no Deployment${where} has exactly these labels as spec.selector.matchLabels`,
        rule: SUBSET_RULE,
        fix: "set the subset's labels to the spec.selector.matchLabels of the Deployment that runs this subset",
      }),
      rule.resource.urn,
    );
  }
}

interface WeightedSubset {
  readonly route: string;
  readonly weight: number;
  readonly host: string;
  readonly subset: string;
}

/** Subsets that receive ordinary traffic: weight above 0 in a route without match conditions. Header routes are opt-in smoke tests. */
function weightedSubsets(virtualService: StackResource): WeightedSubset[] {
  const routes = routesOf(virtualService.props);
  if (isUnknown(routes)) return [];
  return routes.flatMap((route) => {
    const destinations = route.destinations;
    if (route.matchesEverything !== true || isUnknown(destinations)) return [];
    return destinations.flatMap((destination) => {
      const weight = weightOf(destination, destinations);
      const { host, subset } = destinationOf(destination);
      // A destination without a subset is the whole Service, not one Deployment: nothing to tie it to.
      if (typeof weight !== "number" || weight <= 0 || typeof host !== "string" || typeof subset !== "string") return [];
      return [{ route: route.label, weight, host, subset }];
    });
  });
}

/** The DestinationRules that define the host a VirtualService routes to, or UNKNOWN while a rule's host is not known. */
function rulesForHost(host: string, virtualService: StackResource, rules: readonly StackResource[]): StackResource[] | Unknown {
  const wanted = qualifiedHost(host, namespaceOf(virtualService.props));
  const found: StackResource[] = [];
  for (const rule of rules) {
    const ruleHost = path(rule.props, "spec", "host");
    if (isUnknown(ruleHost)) return UNKNOWN;
    if (typeof ruleHost === "string" && qualifiedHost(ruleHost, namespaceOf(rule.props)) === wanted) found.push(rule);
  }
  return found;
}

/** The first of the rules that defines the subset, or UNKNOWN while a rule's subsets are not known. */
function findSubset(rules: readonly StackResource[], name: string): { rule: StackResource; subset: Subset } | Unknown | undefined {
  for (const rule of rules) {
    const subsets = subsetsOf(rule);
    if (isUnknown(subsets)) return UNKNOWN;
    const subset = subsets.find((candidate) => candidate.name === name);
    if (subset !== undefined) return { rule, subset };
  }
  return undefined;
}

/** Why traffic to one subset is not safe; nothing is said about what is not known yet. */
function capacityProblems(
  virtualService: StackResource,
  target: WeightedSubset,
  rules: readonly StackResource[],
  deployments: readonly StackResource[],
): Problem[] {
  const sends = `sends ${target.weight}% to subset ${target.subset} of ${target.host}`;
  const candidates = rulesForHost(target.host, virtualService, rules);
  if (isUnknown(candidates)) return [];
  if (candidates.length === 0) {
    return [{ problem: `${sends}, but no DestinationRule in the stack defines that host`, fix: "add a DestinationRule for the host with this subset, or send the subset no weight" }];
  }
  const found = findSubset(candidates, target.subset);
  if (isUnknown(found)) return [];
  if (found === undefined) {
    return [
      {
        problem: `${sends}, but ${candidates.map(describe).join(", ")} defines no subset ${target.subset}`,
        fix: `add subset ${target.subset} to the DestinationRule, or send it no weight`,
      },
    ];
  }
  if (isUnknown(found.subset.labels)) return [];
  const deployment = deploymentSelecting(found.rule, found.subset.labels, deployments);
  // A subset without its Deployment is reported once, on the DestinationRule (checkSubsets).
  if (deployment === undefined || isUnknown(deployment)) return [];
  return deploymentProblems(virtualService, deployment, sends);
}

function deploymentProblems(virtualService: StackResource, deployment: StackResource, sends: string): Problem[] {
  const name = describe(deployment);
  const problems: Problem[] = [];
  if (replicasOf(deployment.props) === 0) {
    problems.push({
      problem: `${sends}, whose ${name} runs 0 replicas`,
      fix: "scale the Deployment up and let it become ready before it gets weight, or send it no weight",
    });
  }
  if (!dependencyUrns(virtualService.resource).has(deployment.resource.urn)) {
    problems.push({
      problem: `${sends}, but does not depend on ${name}, so Pulumi may write the weights before its pods are rolled out and ready`,
      fix: "make the VirtualService depend on the Deployment (dependsOn), as switchyard does for every color with weight above 0",
    });
  }
  const annotations = annotationsOf(deployment.props);
  if (!isUnknown(annotations) && annotations[SKIP_AWAIT_ANNOTATION] === "true") {
    problems.push({
      problem: `${sends}, whose ${name} carries ${SKIP_AWAIT_ANNOTATION}: "true", so Pulumi does not wait for its pods to be ready`,
      fix: `remove the ${SKIP_AWAIT_ANNOTATION} annotation from the Deployment`,
    });
  }
  return problems;
}

export const trafficOnlyToReadyCapacity: StackValidationPolicy = {
  name: "traffic-only-to-ready-capacity",
  description:
    "Weighted traffic only goes to Deployments with replicas that the VirtualService waits for (dependency, no skipAwait); DestinationRule subsets select exactly a Deployment's pod selector.",
  validateStack: (args, reportViolation) => {
    const stack = readStack(args.resources);
    const deployments = ofType(stack, (type) => type === TYPES.deployment);
    const rules = ofType(stack, isDestinationRule);
    for (const rule of rules) checkSubsets(rule, deployments, reportViolation);
    for (const virtualService of ofType(stack, isVirtualService)) {
      for (const target of weightedSubsets(virtualService)) {
        for (const found of capacityProblems(virtualService, target, rules, deployments)) {
          reportViolation(
            violationMessage({ resource: `${describe(virtualService)} ${target.route}`, ...found, rule: READY_RULE }),
            virtualService.resource.urn,
          );
        }
      }
    }
  },
};
