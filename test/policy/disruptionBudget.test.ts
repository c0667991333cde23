import { describe, expect, it } from "vitest";
import { disruptionBudget } from "../../policy/policies/disruptionBudget";
import { checkout } from "../helpers/fixtures";
import { byName, inPreview, switchyardResources, TYPES, UNKNOWN_DURING_PREVIEW, type FixtureResource, type PodDisruptionBudgetProps } from "./helpers/fixtures";
import { checkStack } from "./helpers/runPolicy";

const greenBudget = (resources: FixtureResource[]) => byName(resources, TYPES.podDisruptionBudget, "checkout-green-pdb");
const withoutGreenBudget = (resources: FixtureResource[]) => resources.filter((resource) => resource !== greenBudget(resources));

describe("disruption-budget", () => {
  it("accepts switchyard's stack, which gives each color with more than one replica a budget", async () => {
    expect(await checkStack(disruptionBudget, await switchyardResources())).toEqual([]);
  });

  it("reports a Deployment with several replicas and no budget selecting its pods", async () => {
    const resources = withoutGreenBudget(await switchyardResources());
    const green = byName(resources, TYPES.deployment, "checkout-green");
    expect(await checkStack(disruptionBudget, resources)).toEqual([
      {
        what: 'Deployment shop/checkout-green runs 3 replicas and no PodDisruptionBudget selects its pods (labelled {"app":"checkout","app.kubernetes.io/name":"checkout","app.kubernetes.io/part-of":"switchyard","app.kubernetes.io/version":"1.5.0","switchyard.dev/color":"green","version":"1.5.0"})',
        rule: "a PodDisruptionBudget covers every Deployment with more than 1 replica(s), so a node drain cannot evict all of its pods at once",
        fix: 'add a PodDisruptionBudget in the Deployment\'s namespace with maxUnavailable: 1 and selector.matchLabels {"app.kubernetes.io/name":"checkout","switchyard.dev/color":"green"} (switchyard: it creates one for every color with more than one replica)',
        urn: green.urn,
      },
    ]);
  });

  it("reports a budget whose selector misses the pods, or lives in another namespace", async () => {
    const resources = await switchyardResources();
    const budget = greenBudget(resources).props as PodDisruptionBudgetProps;
    budget.spec!.selector!.matchLabels!["switchyard.dev/color"] = "blue";
    expect(await checkStack(disruptionBudget, resources)).toHaveLength(1);
    budget.spec!.selector!.matchLabels!["switchyard.dev/color"] = "green";
    budget.metadata!.namespace = "other";
    expect(await checkStack(disruptionBudget, resources)).toHaveLength(1);
  });

  it("accepts a budget that selects the pods with match expressions", async () => {
    const resources = await switchyardResources();
    (greenBudget(resources).props as PodDisruptionBudgetProps).spec!.selector = {
      matchExpressions: [
        { key: "app.kubernetes.io/name", operator: "In", values: ["checkout"] },
        { key: "switchyard.dev/color", operator: "Exists" },
      ],
    };
    expect(await checkStack(disruptionBudget, resources)).toEqual([]);
  });

  it("does not ask for a budget for a single replica, or above the configured count", async () => {
    const single = await switchyardResources(checkout((service) => (service.replicas = 1)));
    expect(single.filter((resource) => resource.type === TYPES.podDisruptionBudget)).toEqual([]);
    expect(await checkStack(disruptionBudget, single)).toEqual([]);
    expect(await checkStack(disruptionBudget, withoutGreenBudget(await switchyardResources()), { replicasAbove: 3 })).toEqual([]);
  });

  it("raises no alarm while a budget's selector is not known during a preview, and reports the update", async () => {
    const resources = await switchyardResources();
    const budget = greenBudget(resources);
    (budget.props as PodDisruptionBudgetProps).spec!.selector!.matchLabels!["switchyard.dev/color"] = "blue";
    const previewed = resources.map((resource) => (resource === budget ? inPreview(resource, (props) => (props.spec.selector = UNKNOWN_DURING_PREVIEW)) : resource));
    expect(await checkStack(disruptionBudget, previewed)).toEqual([]);
    expect(await checkStack(disruptionBudget, resources)).toHaveLength(1);
  });
});
