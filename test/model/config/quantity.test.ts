import { describe, expect, it } from "vitest";
import { quantitySuggestion, quantityValue } from "../../../model/config/quantity";

describe("Kubernetes quantities, as far as comparing a request with its limit needs", () => {
  it.each<[string, number | undefined]>([
    ["1", 1],
    ["0.5", 0.5],
    ["500m", 0.5],
    ["1k", 1000],
    ["2M", 2e6],
    ["128Mi", 128 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1.5Ti", 1.5 * 2 ** 40],
    ["lots", undefined],
    ["1e3", undefined],
  ])("%s is %s", (quantity, value) => {
    expect(quantityValue(quantity)).toBe(value);
  });

  it.each<[number, string]>([
    [0.5, '"0.5" or 500m'],
    [0.25, '"0.25" or 250m'],
    [2, '"2"'],
    [0.0001, '"0.0001"'],
  ])("a YAML number %s is better written %s", (value, suggestion) => {
    expect(quantitySuggestion(value)).toBe(suggestion);
  });
});
