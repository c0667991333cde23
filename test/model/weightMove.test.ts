import { describe, expect, it } from "vitest";
import { parsed } from "../helpers/fixtures";
import { planService } from "../../model/plan";
import { weightMove } from "../../model/weightMove";

const traffic = (live: string, canary: number, more: (service: Record<string, any>) => void = () => {}) =>
  parsed((raw) => {
    Object.assign(raw.services.checkout, { live, canary });
    more(raw.services.checkout);
  });

describe("weightMove: only VirtualService weights change", () => {
  it.each([
    ["a rollback to the warm color", traffic("green", 0), traffic("blue", 0), ["blue"], { blue: 100, green: 0 }],
    ["a canary abort", traffic("blue", 25), traffic("blue", 0), ["blue"], { blue: 100, green: 0 }],
    ["a canary step", traffic("blue", 5), traffic("blue", 25), ["green"], { blue: 75, green: 25 }],
    ["a promotion of a running canary", traffic("blue", 50), traffic("green", 0), ["green"], { blue: 0, green: 100 }],
  ])("%s is weight-only, and names the colors that gain weight", (_label, before, after, gaining, weights) => {
    const move = weightMove(before, after, ["checkout"]);
    expect(move.weightOnly).toBe(true);
    if (!move.weightOnly) return;
    expect(move.services.map((s) => s.plan.service.name)).toEqual(["checkout"]);
    expect(move.services[0]!.gaining.map((c) => c.color)).toEqual(gaining);
    expect(move.services[0]!.plan.weights).toEqual(weights);
    expect(move.services[0]!.before.weights).toEqual(planService(before.services.find((s) => s.name === "checkout")!).weights);
  });

  it("is not weight-only when a color's replicas change with its weight (idleReplicas below replicas)", () => {
    const idle = (s: Record<string, any>) => (s.idleReplicas = 1);
    const move = weightMove(traffic("green", 0, idle), traffic("blue", 0, idle), ["checkout"]);
    expect(move).toEqual({ weightOnly: false, reason: "checkout-blue goes from 1 to 3 replicas (idleReplicas 1 < replicas 3)" });
  });

  it("is not weight-only when anything besides live and canary changes", () => {
    const newVersion = (s: Record<string, any>) => (s.green.version = "1.6.0");
    const move = weightMove(traffic("blue", 0), traffic("blue", 5, newVersion), ["checkout"]);
    expect(move).toEqual({ weightOnly: false, reason: "the edit changes more than services.checkout.live and services.checkout.canary" });
    const namespace = parsed((raw) => (raw.namespace = "other"));
    expect(weightMove(traffic("blue", 0), namespace, ["checkout"]).weightOnly).toBe(false);
  });

  it("is not weight-only when the weights stay (live and canary written as they were)", () => {
    expect(weightMove(traffic("blue", 0), traffic("blue", 0), ["checkout"])).toEqual({ weightOnly: false, reason: "the weights do not change" });
  });

  it("does not depend on the order keys were read in", () => {
    const reordered = parsed((raw) => {
      const { FEATURE_NEW_CART } = raw.services.checkout.blue.env;
      raw.services.checkout.blue.env = { LOG_LEVEL: "info", FEATURE_NEW_CART };
      raw.services.checkout.live = "green";
    });
    const before = parsed((raw) => (raw.services.checkout.blue.env = { FEATURE_NEW_CART: "false", LOG_LEVEL: "info" }));
    expect(weightMove(before, reordered, ["checkout"]).weightOnly).toBe(true);
  });

  describe("several services moved by one command", () => {
    const twoServices = (checkoutLive: string, cartLive: string, cartVersion = "2.1.0") =>
      parsed((raw) => {
        raw.services.checkout.live = checkoutLive;
        raw.services.cart = {
          image: "registry.example.com/shop/cart",
          port: 8081,
          replicas: 2,
          blue: { version: "2.0.0" },
          green: { version: cartVersion },
          live: cartLive,
          canary: 0,
        };
      });

    it("is one weight-only move with an entry per service whose weights change", () => {
      const move = weightMove(twoServices("green", "green"), twoServices("blue", "blue"), ["checkout", "cart"]);
      expect(move.weightOnly).toBe(true);
      if (!move.weightOnly) return;
      expect(move.services.map((s) => [s.plan.service.name, s.plan.weights])).toEqual([
        ["checkout", { blue: 100, green: 0 }],
        ["cart", { blue: 100, green: 0 }],
      ]);
    });

    it("leaves out a named service whose weights stay", () => {
      const move = weightMove(twoServices("green", "blue"), twoServices("blue", "blue"), ["checkout", "cart"]);
      expect(move.weightOnly && move.services.map((s) => s.plan.service.name)).toEqual(["checkout"]);
    });

    it("is not weight-only when a service that is not named changes, or a named one changes more than traffic", () => {
      expect(weightMove(twoServices("green", "green"), twoServices("blue", "blue"), ["checkout"]).weightOnly).toBe(false);
      const move = weightMove(twoServices("green", "green"), twoServices("blue", "blue", "2.2.0"), ["checkout", "cart"]);
      expect(move).toEqual({
        weightOnly: false,
        reason: "the edit changes more than services.checkout.live and services.checkout.canary and services.cart.live and services.cart.canary",
      });
    });
  });
});
