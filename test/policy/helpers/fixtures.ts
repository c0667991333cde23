import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { BlueGreenService } from "../../../resources/blueGreenService";
import type { ServiceConfig } from "../../../model/config/settings";
import type { DestinationRuleSpec, VirtualServiceSpec } from "../../../model/routing/istioTypes";
import type { HTTPRouteSpec } from "../../../model/routing/gatewayTypes";
import { checkout } from "../../helpers/fixtures";
import { recordRegistrations } from "../../helpers/mocks";
import { unknownCheckingProxy } from "./policySdk";

/** One resource as the engine hands it to a policy: its type, names, properties and the URNs it depends on. */
export interface FixtureResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Mutable, so a test changes one field of a known-good resource. */
  props: any;
  dependencies: string[];
}

export const TYPES = {
  deployment: "kubernetes:apps/v1:Deployment",
  configMap: "kubernetes:core/v1:ConfigMap",
  podDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
  virtualService: "kubernetes:networking.istio.io/v1:VirtualService",
  destinationRule: "kubernetes:networking.istio.io/v1:DestinationRule",
  httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  service: "kubernetes:core/v1:Service",
} as const;

/** Properties typed by the real resource classes' args, so a test's change is checked against the Kubernetes schema. */
export type DeploymentProps = pulumi.Unwrap<k8s.apps.v1.DeploymentArgs>;
export type ConfigMapProps = pulumi.Unwrap<k8s.core.v1.ConfigMapArgs>;
export type PodDisruptionBudgetProps = pulumi.Unwrap<k8s.policy.v1.PodDisruptionBudgetArgs>;
export type VirtualServiceProps = { metadata: pulumi.Unwrap<k8s.types.input.meta.v1.ObjectMeta>; spec: VirtualServiceSpec };
export type HTTPRouteProps = { metadata: pulumi.Unwrap<k8s.types.input.meta.v1.ObjectMeta>; spec: HTTPRouteSpec };
export type ServiceProps = pulumi.Unwrap<k8s.core.v1.ServiceArgs>;
export type DestinationRuleProps = { metadata: pulumi.Unwrap<k8s.types.input.meta.v1.ObjectMeta>; spec: DestinationRuleSpec };

/**
 * What switchyard's BlueGreenService registers for one service (in
 * namespace "shop"), run under Pulumi mocks: the happy path every policy
 * must accept, with the real labels, specs and dependencies.
 */
export async function switchyardResources(service: ServiceConfig = checkout()): Promise<FixtureResource[]> {
  const recorder = recordRegistrations();
  new BlueGreenService(service.name, { service, namespace: "shop" });
  await recorder.settle();
  return recorder.registrations.map((registration) => ({
    type: registration.type,
    name: registration.name,
    urn: registration.urn,
    props: structuredClone(registration.inputs),
    dependencies: [...registration.dependencies],
  }));
}

/** A deep copy, so one test's change never leaks into another's. */
export function copyOf(resources: readonly FixtureResource[]): FixtureResource[] {
  return resources.map((resource) => ({ ...resource, props: structuredClone(resource.props), dependencies: [...resource.dependencies] }));
}

export function byName(resources: readonly FixtureResource[], type: string, name: string): FixtureResource {
  const found = resources.find((resource) => resource.type === type && resource.name === name);
  if (found === undefined) throw new Error(`no ${type} named ${name} in the fixture`);
  return found;
}

export function deploymentProps(resource: FixtureResource): DeploymentProps {
  return resource.props as DeploymentProps;
}

/** The first container of a Deployment. */
export function containerOf(resource: FixtureResource): pulumi.Unwrap<k8s.types.input.core.v1.Container> {
  return deploymentProps(resource).spec!.template.spec!.containers[0]!;
}

/** What the engine sends during a preview for a value it does not know yet. */
export const UNKNOWN_DURING_PREVIEW = unknownValue;

/**
 * The properties of a resource as a policy receives them during a preview:
 * `markUnknown` puts the engine's unknown marker where a value is not known
 * yet, and the SDK's unknown-checking proxy wraps the result, as the
 * analyzer server does.
 */
export function inPreview(resource: FixtureResource, markUnknown: (props: any) => void): FixtureResource {
  const props = structuredClone(resource.props);
  markUnknown(props);
  return { ...resource, props: unknownCheckingProxy(props) };
}
