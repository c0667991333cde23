import { describe, expect, it } from "vitest";
import { planService } from "../../model/plan";
import { parseServicesOutput, serviceOutput } from "../../model/status";
import { checkout } from "../helpers/fixtures";

describe("the services stack output has one shape, written by the program and read by the command", () => {
  it("records live color, canary, weights, versions, images, replicas per deployed color, router and mirror", () => {
    const output = serviceOutput(planService(checkout((service) => (service.canary = 5))), {});
    expect(output).toEqual({
      live: "blue",
      canary: 5,
      weights: { blue: 95, green: 5 },
      versions: { blue: "1.4.2", green: "1.5.0" },
      images: { blue: "registry.example.com/shop/checkout:1.4.2", green: "registry.example.com/shop/checkout:1.5.0" },
      replicas: { blue: 3, green: 3 },
      router: "istio",
      mirror: 0,
    });
  });

  it("records a built image's reference instead of the tagged one", () => {
    const output = serviceOutput(planService(checkout()), { green: "registry.example.com/shop/checkout@sha256:abc" });
    expect(output.images.green).toBe("registry.example.com/shop/checkout@sha256:abc");
  });

  it("reads back what the program wrote", () => {
    const written = { checkout: serviceOutput(planService(checkout()), {}) };
    expect(parseServicesOutput(JSON.parse(JSON.stringify(written)))).toEqual(written);
  });

  it("reads a stack that was never deployed as no services", () => {
    expect(parseServicesOutput(undefined)).toEqual({});
  });

  it("names the field when a stack's output is not what switchyard writes", () => {
    expect(() => parseServicesOutput({ checkout: { live: "purple", canary: 0, weights: { blue: 100, green: 0 }, versions: {} } })).toThrow(
      /services\.checkout\.live/,
    );
  });
});
