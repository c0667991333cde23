import * as semver from "semver";
import { z } from "zod";
import {
  ALLOWED_DIGEST,
  ALLOWED_REPOSITORY,
  ALLOWED_TAG,
  ALLOWED_VERSION,
  isDigest,
  isImmutableTag,
  isRepository,
  isSemanticVersion,
} from "../images";
import { KUBERNETES_QUANTITY, quantitySuggestion } from "./quantity";

/**
 * The shape of the `switchyard:*` stack config as users write it. Every
 * schema carries its "allowed" text as the error, so a failed check reads as
 * "key: got value; allowed: text". Defaults are not applied here: defaults.ts
 * resolves them in one place, after merging `switchyard:defaults`.
 */

/** Accepts numbers and digit strings: `pulumi config set --path` stores `5` as a number, hand-written YAML may quote it. */
export function integer(min: number, max: number, allowed = `an integer from ${min} to ${max}`) {
  const digits = /^-?\d+$/;
  return z.preprocess(
    (value) => (typeof value === "string" && digits.test(value.trim()) ? Number(value) : value),
    z.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed }),
  );
}

/** Accepts booleans and the words true/false: `pulumi config set --path` stores `true` as text unless told `--type bool`. */
function flag() {
  return z.preprocess((value) => (value === "true" ? true : value === "false" ? false : value), z.boolean({ error: "true or false" }));
}

function text(pattern: RegExp, allowed: string) {
  return z.string({ error: allowed }).regex(pattern, { error: allowed });
}

function checkedText(check: (value: string) => boolean, allowed: string) {
  return z.string({ error: allowed }).refine(check, { error: allowed });
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const GIT_COMMIT = /^[0-9a-f]{7,40}$/;
const ALLOWED_COMMIT = "a git commit id: 7 to 40 lower-case hex characters";

export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];
export const ALLOWED_COLOR = "blue or green";
export const ALLOWED_SERVICE_NAME =
  "a lower-case DNS label of at most 40 characters (letters, digits, '-'; starts with a letter)";
export const ALLOWED_NAMESPACE = "a lower-case DNS label of at most 63 characters";

const ALLOWED_QUANTITY = "a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi";
/**
 * Quantities are text here, as Kubernetes prints them. YAML reads an unquoted
 * `cpu: 0.5` as a number, and the generic answer "got 0.5; allowed: ... 0.5"
 * would only confuse: say what to write instead.
 */
const quantity = z
  .string({
    error: (issue) =>
      typeof issue.input === "number"
        ? `${ALLOWED_QUANTITY}, written as text: YAML reads this as a number; write ${quantitySuggestion(issue.input)} (quoted in the stack file, or pulumi config set --path --type string)`
        : ALLOWED_QUANTITY,
  })
  .regex(KUBERNETES_QUANTITY, { error: ALLOWED_QUANTITY });
const resourceAmounts = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });

export const resourcesSchema = z.strictObject({
  requests: resourceAmounts.optional(),
  limits: resourceAmounts.optional(),
});

export const probeSchema = z.strictObject({
  path: text(/^\/\S*$/, "an HTTP path starting with /, such as /readyz").optional(),
  initialDelaySeconds: integer(0, 3600).optional(),
  periodSeconds: integer(1, 3600).optional(),
  timeoutSeconds: integer(1, 3600).optional(),
  failureThreshold: integer(1, 100).optional(),
});

export const probesSchema = z.strictObject({
  readiness: probeSchema.optional(),
  liveness: probeSchema.optional(),
});

/** Scalars a user may write as a flag value; ConfigMap data is text, so they are stored as text. */
const envValue = z.union([z.string(), z.number(), z.boolean()], {
  error: "a string, number or boolean (stored as text in the color's ConfigMap)",
});

const envSchema = z.record(
  text(ENV_NAME, "environment variable names: letters, digits and '_', not starting with a digit"),
  envValue,
);

const buildSchema = z.strictObject({
  context: z.string({ error: "a directory path, relative to the project, holding the image's sources" }).min(1, {
    error: "a directory path, relative to the project, holding the image's sources",
  }),
  dockerfile: z.string({ error: "a Dockerfile path relative to the context" }).optional(),
});

/** Kubernetes label values: the version is one (`app.kubernetes.io/version`, `version`). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NO_BUILD_METADATA =
  "without build metadata: '+' cannot go into an image tag or a Kubernetes label value; write MAJOR.MINOR.PATCH (a pre-release such as 1.5.0-rc.1 is fine) and record the build in tag (a build id YYYYMMDD-HHMM-<short sha>) or commit";

/** The version becomes the default image tag and two label values, so it must be valid as both. */
const version = z.string({ error: ALLOWED_VERSION }).superRefine((value, context) => {
  if (!isSemanticVersion(value)) context.addIssue({ code: "custom", message: ALLOWED_VERSION });
  else if (value.includes("+")) context.addIssue({ code: "custom", message: `a semantic version ${NO_BUILD_METADATA}` });
  else if (value.length > 63 || !LABEL_VALUE.test(value)) {
    context.addIssue({ code: "custom", message: `${ALLOWED_VERSION}, usable as a Kubernetes label value (at most 63 characters, ending in a letter or digit)` });
  }
});

const tag = z.string({ error: ALLOWED_TAG }).superRefine((value, context) => {
  if (!isImmutableTag(value)) context.addIssue({ code: "custom", message: ALLOWED_TAG });
  else if (value.includes("+")) context.addIssue({ code: "custom", message: `an immutable tag ${NO_BUILD_METADATA}` });
});

/** `commit: 1234567` is a YAML integer; a commit id is text. */
const commit = z
  .string({
    error: (issue) =>
      typeof issue.input === "number"
        ? `a git commit id as text: YAML reads an all-digit id as a number; quote it in the stack file (commit: "${issue.input}"), or set it with pulumi config set --path --type string`
        : ALLOWED_COMMIT,
  })
  .regex(GIT_COMMIT, { error: ALLOWED_COMMIT });

/** `{key}` is replaced with the slot's key path by shapeProblems. */
const ALLOWED_SLOT =
  "a slot with at least its version, such as {version: 1.5.0}; to take this color down, remove the key instead of emptying it: pulumi config rm --path '{key}'";

export const slotSchema = z.strictObject({
  version,
  tag: tag.optional(),
  digest: checkedText(isDigest, ALLOWED_DIGEST).optional(),
  env: envSchema.optional(),
  schema: checkedText(
    (range) => semver.validRange(range) !== null,
    'a semver range of database schema versions, such as ">=12 <14"',
  ).optional(),
  commit: commit.optional(),
  note: z.string({ error: "a short change note (text)" }).max(500, { error: "a change note of at most 500 characters" }).optional(),
  build: buildSchema.optional(),
}, { error: (issue) => (issue.code === "invalid_type" ? ALLOWED_SLOT : undefined) });

export const ROUTERS = ["istio", "gateway-api"] as const;
export type RouterName = (typeof ROUTERS)[number];
export const ALLOWED_ROUTER =
  "istio (a VirtualService and a DestinationRule) or gateway-api (an HTTPRoute, gateway.networking.k8s.io/v1, attached to the Gateways in parentRefs)";

const ALLOWED_PARENT_REF =
  "a Gateway the HTTPRoute attaches to, such as {name: shop-gateway, namespace: gateways, sectionName: http}; name is required";
const k8sName = (allowed: string) => text(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, allowed).max(253, { error: allowed });

/** A Gateway API `parentRef` to a Gateway; kind and group are always Gateway's. */
export const parentRefSchema = z.strictObject(
  {
    name: k8sName(`${ALLOWED_PARENT_REF} (a Kubernetes object name)`),
    namespace: text(DNS_LABEL, `${ALLOWED_PARENT_REF} (namespace: a lower-case DNS label)`).optional(),
    sectionName: k8sName(`${ALLOWED_PARENT_REF} (sectionName: the listener's name)`).optional(),
    port: integer(1, 65535).optional(),
  },
  { error: (issue) => (issue.code === "invalid_type" ? ALLOWED_PARENT_REF : undefined) },
);

const ALLOWED_MATCH =
  "a condition with exactly one of header or cookie and the exact value to match, such as {header: x-user-group, exact: beta} or {cookie: beta, exact: \"1\"}";
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** An A/B condition: requests that meet it go to the color that is not live, whatever the weights. */
export const matchSchema = z
  .strictObject(
    {
      header: text(HEADER_NAME, "an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)").optional(),
      cookie: text(COOKIE_NAME, "a cookie name (letters, digits and !#$%&'*+-.^_`|~)").optional(),
      exact: z.string({ error: ALLOWED_MATCH }).min(1, { error: ALLOWED_MATCH }).max(256, { error: ALLOWED_MATCH }),
    },
    { error: (issue) => (issue.code === "invalid_type" ? ALLOWED_MATCH : undefined) },
  )
  .refine((match) => (match.header === undefined) !== (match.cookie === undefined), { error: ALLOWED_MATCH });

/** Fields that `switchyard:defaults` may set for every service. */
const sharedServiceFields = {
  router: z.enum(ROUTERS, { error: ALLOWED_ROUTER }).optional(),
  parentRefs: z
    .array(parentRefSchema, { error: `a list of Gateways: ${ALLOWED_PARENT_REF}` })
    .min(1, { error: `at least one Gateway: ${ALLOWED_PARENT_REF}` })
    .optional(),
  port: integer(1, 65535).optional(),
  replicas: integer(0, 1000).optional(),
  idleReplicas: integer(0, 1000).optional(),
  revisionHistoryLimit: integer(0, 100).optional(),
  progressDeadlineSeconds: integer(10, 86400).optional(),
  probes: probesSchema.optional(),
  resources: resourcesSchema.optional(),
};

export const defaultsSchema = z.strictObject(sharedServiceFields);

export const serviceSchema = z.strictObject({
  ...sharedServiceFields,
  image: checkedText(isRepository, ALLOWED_REPOSITORY),
  blue: slotSchema.optional(),
  green: slotSchema.optional(),
  live: z.enum(COLORS, { error: ALLOWED_COLOR }),
  canary: integer(0, 100).optional(),
  mirror: integer(0, 100, "a percentage of live requests, an integer from 0 to 100, copied to the idle color (0: no mirroring)").optional(),
  match: z.array(matchSchema, { error: `a list of conditions: ${ALLOWED_MATCH}` }).max(16, { error: "at most 16 conditions" }).optional(),
  database: z
    .strictObject({ schemaVersion: integer(0, 1_000_000, "a non-negative integer schema version") })
    .optional(),
});

const serviceName = z.string().max(40, { error: ALLOWED_SERVICE_NAME }).regex(DNS_LABEL, { error: ALLOWED_SERVICE_NAME });

const secretEnvSchema = z.record(
  text(ENV_NAME, "environment variable names: letters, digits and '_', not starting with a digit"),
  z.string({ error: "text, set with pulumi config set --secret" }),
);

/** `secrets.<service>.<color>.<NAME>`: values set with `--secret`, bound to a color like its `env`. */
export const secretsSchema = z.record(
  serviceName,
  z.strictObject({ blue: secretEnvSchema.optional(), green: secretEnvSchema.optional() }),
  { error: "a map of service name to colors to secret environment variables" },
);

/** Accepts numbers and decimal strings: `pulumi config set --path` stores `0.005` as text. */
function decimal(min: number, max: number, allowed: string) {
  const number = /^\d+(\.\d+)?$/;
  return z.preprocess(
    (value) => (typeof value === "string" && number.test(value.trim()) ? Number(value) : value),
    z.number({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed }),
  );
}

export const ALLOWED_DURATION = "a Prometheus duration: a whole number followed by s, m or h, such as 30s, 2m or 1h";
export const PROMETHEUS_DURATION = /^[1-9]\d*(s|m|h)$/;
const ALLOWED_QUERY =
  "a PromQL query; {{service}}, {{color}}, {{version}}, {{namespace}} and {{window}} are replaced before it is sent";

const query = z.string({ error: ALLOWED_QUERY }).trim().min(1, { error: ALLOWED_QUERY });

/** `switchyard:analysis`: how `switchyard rollout` judges a canary from Prometheus. */
export const analysisSchema = z.strictObject({
  prometheus: checkedText(
    (url) => /^https?:\/\/[^\s/]+/.test(url),
    "the base URL of a Prometheus server's HTTP API, such as http://prometheus.monitoring:9090",
  ),
  requestsQuery: query.optional(),
  errorRateQuery: query.optional(),
  latencyQuery: query.optional(),
  maxErrorRate: decimal(0, 1, "a fraction from 0 to 1, such as 0.005 for 0.5%").optional(),
  maxLatencySeconds: decimal(0.001, 3600, "a number of seconds from 0.001 to 3600, such as 0.5").optional(),
  window: text(PROMETHEUS_DURATION, ALLOWED_DURATION).optional(),
  minRequests: integer(0, 1_000_000_000).optional(),
  timeoutSeconds: integer(1, 300).optional(),
});

export const ALLOWED_GROUP_NAME = "a lower-case DNS label of at most 40 characters (letters, digits, '-'; starts with a letter)";
const groupName = z.string().max(40, { error: ALLOWED_GROUP_NAME }).regex(DNS_LABEL, { error: ALLOWED_GROUP_NAME });

/** `groups.<group>`: services released together; with `lanes`, a request stays in the color it entered at every member. */
export const groupSchema = z.strictObject({
  services: z
    .array(serviceName, { error: "a list of service names of this stack, such as [checkout, catalog]" })
    .min(1, { error: "a list of at least one service name of this stack, such as [checkout, catalog]" }),
  lanes: flag().optional(),
});

export const groupsSchema = z.record(groupName, groupSchema, { error: "a map of group name to {services: [...], lanes: true|false}" });

export const stackConfigSchema = z.strictObject({
  namespace: z
    .string({ error: ALLOWED_NAMESPACE })
    .max(63, { error: ALLOWED_NAMESPACE })
    .regex(DNS_LABEL, { error: ALLOWED_NAMESPACE }),
  manageNamespace: z.boolean({ error: "true or false" }).optional(),
  defaults: defaultsSchema.optional(),
  services: z.record(serviceName, serviceSchema, { error: "a map of service name to service settings" }),
  secrets: secretsSchema.optional(),
  analysis: analysisSchema.optional(),
  groups: groupsSchema.optional(),
});

export type RawStackConfig = z.infer<typeof stackConfigSchema>;
export type RawService = z.infer<typeof serviceSchema>;
export type RawSlot = z.infer<typeof slotSchema>;
export type RawSecrets = z.infer<typeof secretsSchema>;
export type RawDefaults = z.infer<typeof defaultsSchema>;
export type RawGroup = z.infer<typeof groupSchema>;
export type RawAnalysis = z.infer<typeof analysisSchema>;
export type RawProbe = z.infer<typeof probeSchema>;
export type RawResources = z.infer<typeof resourcesSchema>;
export type RawParentRef = z.infer<typeof parentRefSchema>;
export type RawMatch = z.infer<typeof matchSchema>;
