/**
 * The policy SDK from the pack's own node_modules: the copy the engine runs
 * the pack with, so the tests exercise the same proxy and types.
 */
export { unknownCheckingProxy } from "../../../policy/node_modules/@pulumi/policy";
export type {
  Policy,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "../../../policy/node_modules/@pulumi/policy";
