import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { destinationOf, qualifiedHost, routesOf, weightOf, type Route } from "../lib/istio";
import { httpRouteRulesOf, isServiceBackend } from "../lib/gatewayApi";
import { field, isUnknown, list, path, stringMap, UNKNOWN, type Data, type Unknown } from "../lib/data";
import { annotationsOf, describeResource, formatLabels, isDestinationRule, isHTTPRoute, isVirtualService, replicasOf, TYPES } from "../lib/kubernetes";
import { sameLabels } from "../lib/labelSelector";
import { violationMessage } from "../lib/messages";
import { dependencyUrns, namespaceOf, ofType, readStack, sameNamespace, type StackResource } from "../lib/stack";

/** The Kubernetes provider's annotation that makes Pulumi stop waiting for a resource to become ready. */
const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

const READY_RULE =
  "traffic only goes to ready capacity: a subset (with the Gateway API, a Service) with weight above 0, or that requests are mirrored to, is a Deployment with replicas above 0 that the route object depends on and that Pulumi waits for (no pulumi.com/skipAwait), so the weights change only once its pods are ready";
const COLOR_SERVICE_RULE =
  "a Service an HTTPRoute sends to selects exactly the labels a Deployment selects its pods by (spec.selector.matchLabels), so the backend is that Deployment's pods and no others";
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

/** A destination that receives requests: a subset of a host (Istio) or a Service (Gateway API), and how, for messages. */
interface Target {
  readonly route: string;
  /** e.g. `sends 5% to` or `mirrors requests to`. */
  readonly how: string;
  readonly host: string;
  readonly subset?: string;
}

/**
 * What receives requests: weight above 0 in a route without match
 * conditions (header routes are opt-in smoke tests), and every mirror of any
 * route. `destinationOf` reads a route's destination.
 */
function targets(routes: readonly Route[] | Unknown, destinationOf: (destination: Data) => Omit<Target, "route" | "how"> | undefined): Target[] {
  if (isUnknown(routes)) return [];
  return routes.flatMap((route) => {
    const { destinations, mirrors } = route;
    const mirrored = isUnknown(mirrors) ? [] : mirrors.flatMap((mirror) => {
      const target = destinationOf(mirror);
      return target === undefined ? [] : [{ route: route.label, how: "mirrors requests to", ...target }];
    });
    if (route.matchesEverything !== true || isUnknown(destinations)) return mirrored;
    const weighted = destinations.flatMap((destination) => {
      const weight = weightOf(destination, destinations);
      const target = destinationOf(destination);
      if (typeof weight !== "number" || weight <= 0 || target === undefined) return [];
      return [{ route: route.label, how: `sends ${weight}% to`, ...target }];
    });
    return [...weighted, ...mirrored];
  });
}

/** A VirtualService's destination with a subset; one without is the whole Service, not one Deployment: nothing to tie it to. */
function subsetTarget(destination: Data): Omit<Target, "route" | "how"> | undefined {
  const { host, subset } = destinationOf(destination);
  return typeof host === "string" && typeof subset === "string" ? { host, subset } : undefined;
}

/** An HTTPRoute backendRef that is a Service. */
function serviceTarget(backend: Data): Omit<Target, "route" | "how"> | undefined {
  const name = field(backend, "name");
  return isServiceBackend(backend) === true && typeof name === "string" ? { host: name } : undefined;
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
  target: Target & { readonly subset: string },
  rules: readonly StackResource[],
  deployments: readonly StackResource[],
): Problem[] {
  const sends = `${target.how} subset ${target.subset} of ${target.host}`;
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

/** Why requests an HTTPRoute sends to a Service are not safe: the Service must be one Deployment's pods, ready. */
function serviceCapacityProblems(route: StackResource, target: Target, services: readonly StackResource[], deployments: readonly StackResource[]): Problem[] {
  const sends = `${target.how} Service ${target.host}`;
  let undecided = false;
  const service = services.find((candidate) => {
    const inNamespace = sameNamespace(route.props, candidate.props);
    const name = path(candidate.props, "metadata", "name");
    if (isUnknown(inNamespace) || isUnknown(name)) undecided = true;
    return inNamespace === true && name === target.host;
  });
  if (service === undefined) {
    return undecided ? [] : [{ problem: `${sends}, but no Service of that name is in the stack`, fix: "add the Service, or send it no weight" }];
  }
  const selector = stringMap(path(service.props, "spec", "selector"));
  if (isUnknown(selector)) return [];
  const deployment = deploymentSelecting(service, selector, deployments);
  if (isUnknown(deployment)) return [];
  if (deployment === undefined) {
    return [
      {
        problem: `${sends}, which selects pods labelled ${formatLabels(selector)}, but no Deployment has exactly these labels as spec.selector.matchLabels (${COLOR_SERVICE_RULE})`,
        fix: "set the Service's selector to the spec.selector.matchLabels of the one Deployment it stands for (switchyard: one Service per color, <service>-<color>)",
      },
    ];
  }
  return deploymentProblems(route, deployment, sends);
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
      fix: "make the route object depend on the Deployment (dependsOn), as switchyard does for every color that receives requests",
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
    "Weighted and mirrored traffic only goes to Deployments with replicas that the VirtualService or HTTPRoute waits for (dependency, no skipAwait); DestinationRule subsets and an HTTPRoute's Services select exactly a Deployment's pod selector.",
  validateStack: (args, reportViolation) => {
    const stack = readStack(args.resources);
    const deployments = ofType(stack, (type) => type === TYPES.deployment);
    const rules = ofType(stack, isDestinationRule);
    for (const rule of rules) checkSubsets(rule, deployments, reportViolation);
    const report = (route: StackResource, target: Target, problems: readonly Problem[]) => {
      for (const found of problems) {
        reportViolation(violationMessage({ resource: `${describe(route)} ${target.route}`, ...found, rule: READY_RULE }), route.resource.urn);
      }
    };
    for (const virtualService of ofType(stack, isVirtualService)) {
      for (const target of targets(routesOf(virtualService.props), subsetTarget)) {
        report(virtualService, target, capacityProblems(virtualService, { ...target, subset: target.subset! }, rules, deployments));
      }
    }
    const services = ofType(stack, (type) => type === TYPES.service);
    for (const httpRoute of ofType(stack, isHTTPRoute)) {
      for (const target of targets(httpRouteRulesOf(httpRoute.props), serviceTarget)) {
        report(httpRoute, target, serviceCapacityProblems(httpRoute, target, services, deployments));
      }
    }
  },
};
