import { beforeAll, describe, expect, it } from "vitest";
import { securePods } from "../../policy/policies/securePods";
import { byName, containerOf, copyOf, deploymentProps, inPreview, switchyardResources, TYPES, UNKNOWN_DURING_PREVIEW, type FixtureResource } from "./helpers/fixtures";
import { checkEachResource, checkResource } from "./helpers/runPolicy";

const CONTAINER = 'Deployment shop/checkout-blue container "checkout"';
const RULE =
  "containers run locked down: non-root, read-only root filesystem, no privilege escalation, not privileged, all capabilities dropped, an allowed seccomp profile";

let program: FixtureResource[];
beforeAll(async () => {
  program = await switchyardResources();
});

const blue = () => byName(copyOf(program), TYPES.deployment, "checkout-blue");
const podSpecOf = (deployment: FixtureResource) => deploymentProps(deployment).spec!.template.spec!;
const containerContextOf = (deployment: FixtureResource) => containerOf(deployment).securityContext!;

describe("secure-pods", () => {
  it("accepts switchyard's locked-down pods", async () => {
    expect(await checkEachResource(securePods, program)).toEqual([]);
  });

  it.each<[string, (deployment: FixtureResource) => void, string, string]>([
    [
      "a container that may run as root",
      (d) => {
        delete containerContextOf(d).runAsNonRoot;
        delete podSpecOf(d).securityContext!.runAsNonRoot;
      },
      "has runAsNonRoot not set",
      "set securityContext.runAsNonRoot: true on the pod or the container",
    ],
    [
      "a writable root filesystem",
      (d) => (containerContextOf(d).readOnlyRootFilesystem = false),
      "has readOnlyRootFilesystem false",
      "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes (such as /tmp)",
    ],
    [
      "privilege escalation left to the default",
      (d) => delete containerContextOf(d).allowPrivilegeEscalation,
      "has allowPrivilegeEscalation not set",
      "set securityContext.allowPrivilegeEscalation: false",
    ],
    ["a privileged container", (d) => (containerContextOf(d).privileged = true), "has privileged true", "remove securityContext.privileged or set it to false"],
    [
      "capabilities not all dropped",
      (d) => (containerContextOf(d).capabilities = { drop: ["NET_RAW"] }),
      'has capabilities.drop ["NET_RAW"]',
      'set securityContext.capabilities.drop: ["ALL"]',
    ],
    [
      "an unconfined seccomp profile",
      (d) => (podSpecOf(d).securityContext!.seccompProfile = { type: "Unconfined" }),
      'has seccompProfile.type "Unconfined"',
      "set securityContext.seccompProfile.type to RuntimeDefault on the pod or the container",
    ],
  ])("reports %s", async (_, change, problem, fix) => {
    const deployment = blue();
    change(deployment);
    expect(await checkResource(securePods, deployment)).toEqual([{ what: `${CONTAINER} ${problem}`, rule: RULE, fix }]);
  });

  it("takes runAsNonRoot and seccomp from the pod unless the container overrides them", async () => {
    const deployment = blue();
    delete containerContextOf(deployment).runAsNonRoot;
    expect(await checkResource(securePods, deployment)).toEqual([]);
    containerContextOf(deployment).runAsNonRoot = false;
    containerContextOf(deployment).seccompProfile = { type: "Unconfined" };
    expect((await checkResource(securePods, deployment)).map((v) => v.what)).toEqual([
      `${CONTAINER} has runAsNonRoot false`,
      `${CONTAINER} has seccompProfile.type "Unconfined"`,
    ]);
  });

  it("accepts a Localhost seccomp profile only where configured", async () => {
    const deployment = blue();
    podSpecOf(deployment).securityContext!.seccompProfile = { type: "Localhost", localhostProfile: "profiles/checkout.json" };
    expect(await checkResource(securePods, deployment)).toHaveLength(1);
    expect(await checkResource(securePods, deployment, { allowedSeccompProfiles: ["RuntimeDefault", "Localhost"] })).toEqual([]);
  });

  it("checks init containers too", async () => {
    const deployment = blue();
    podSpecOf(deployment).initContainers = [{ name: "migrate", image: "registry.example.com/shop/migrate:1.0.0" }];
    expect((await checkResource(securePods, deployment)).map((v) => v.what)).toEqual([
      'Deployment shop/checkout-blue container "migrate" has readOnlyRootFilesystem not set',
      'Deployment shop/checkout-blue container "migrate" has allowPrivilegeEscalation not set',
      'Deployment shop/checkout-blue container "migrate" has capabilities.drop not set',
    ]);
  });

  it("does not judge a security context that is not known during a preview", async () => {
    const deployment = blue();
    containerContextOf(deployment).privileged = true;
    const previewed = inPreview(deployment, (props) => (props.spec.template.spec.containers[0].securityContext = UNKNOWN_DURING_PREVIEW));
    expect(await checkResource(securePods, previewed)).toEqual([]);
    expect(await checkResource(securePods, deployment)).toHaveLength(1);
  });
});
