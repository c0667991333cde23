import { field, isUnknown, list, stringMap, type Data, type Unknown, UNKNOWN } from "./data";

/**
 * Whether a Kubernetes label selector (matchLabels and matchExpressions)
 * selects pods carrying `labels`; UNKNOWN while the selector is not known.
 */
export function selects(selector: Data | undefined, labels: Readonly<Record<string, string>>): boolean | Unknown {
  if (isUnknown(selector)) return selector;
  const matchLabels = stringMap(field(selector, "matchLabels"));
  const expressions = list(field(selector, "matchExpressions"));
  if (isUnknown(matchLabels) || isUnknown(expressions)) return UNKNOWN;
  const labelsMatch = Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
  const results = expressions.map((expression) => expressionSelects(expression, labels));
  if (results.some(isUnknown)) return UNKNOWN;
  return labelsMatch && results.every((result) => result === true);
}

function expressionSelects(expression: Data, labels: Readonly<Record<string, string>>): boolean | Unknown {
  const key = field(expression, "key");
  const operator = field(expression, "operator");
  const values = list(field(expression, "values"));
  if (isUnknown(key) || isUnknown(operator) || isUnknown(values) || values.some(isUnknown)) return UNKNOWN;
  if (typeof key !== "string") return false;
  const value = labels[key];
  switch (operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    default:
      return false;
  }
}

/** Same keys with the same values. */
export function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
