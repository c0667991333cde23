import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeApi, KubeApiError } from "../../../cli/kube/api";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An API server stand-in on loopback: answers from `routes`, records every request. */
function fakeApiServer(routes: Record<string, (seen: Seen) => [number, unknown]>) {
  const seen: Seen[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const entry = { method: request.method!, url: request.url!, headers: request.headers, body };
      seen.push(entry);
      const route = routes[`${request.method} ${request.url!.split("?")[0]}`];
      const [status, answer] = route === undefined ? [404, { kind: "Status", message: "not found" }] : route(entry);
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  return { server, seen };
}

describe("the API client: plain HTTP requests from the kubeconfig's settings", () => {
  const { server, seen } = fakeApiServer({
    "GET /apis/apps/v1/namespaces/shop/deployments/checkout-blue": () => [200, { metadata: { name: "checkout-blue" } }],
    "PATCH /apis/networking.istio.io/v1/namespaces/shop/virtualservices/checkout": ({ body }) =>
      JSON.parse(body).metadata.resourceVersion === "7"
        ? [200, { metadata: { resourceVersion: "8" } }]
        : [409, { kind: "Status", message: "Operation cannot be fulfilled: the object has been modified" }],
  });
  let api: KubeApi;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = new KubeApi({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tls: {}, headers: { authorization: "Bearer t" } });
  });
  afterAll(() => {
    api.close();
    server.close();
  });

  it("reads an object, with the kubeconfig's credentials, and says undefined for one the API server does not have", async () => {
    expect(await api.get("/apis/apps/v1/namespaces/shop/deployments/checkout-blue")).toEqual({ metadata: { name: "checkout-blue" } });
    expect(await api.get("/apis/apps/v1/namespaces/shop/deployments/gone")).toBeUndefined();
    expect(seen[0]!.headers.authorization).toBe("Bearer t");
    expect(seen[0]!.headers["user-agent"]).toBe("switchyard");
  });

  it("server-side applies with the field manager, force, and the apply content type", async () => {
    const path = "/apis/networking.istio.io/v1/namespaces/shop/virtualservices/checkout";
    expect(await api.apply(path, { metadata: { resourceVersion: "7" } }, { fieldManager: "switchyard", force: true })).toEqual({ metadata: { resourceVersion: "8" } });
    const request = seen.at(-1)!;
    expect([request.method, request.url, request.headers["content-type"]]).toEqual(["PATCH", `${path}?fieldManager=switchyard&force=true`, "application/apply-patch+yaml"]);
  });

  it("reports a refusal with the API server's status and message", async () => {
    const refusal = api.apply("/apis/networking.istio.io/v1/namespaces/shop/virtualservices/checkout", { metadata: { resourceVersion: "6" } }, { fieldManager: "switchyard", force: true });
    await expect(refusal).rejects.toThrow(new KubeApiError("HTTP 409: Operation cannot be fulfilled: the object has been modified", 409));
    await expect(refusal).rejects.toMatchObject({ status: 409 });
  });

  it("reports a connection that fails with its code", async () => {
    const closed = new KubeApi({ server: "http://127.0.0.1:1", tls: {}, headers: {} });
    await expect(closed.get("/api")).rejects.toThrow(/ECONNREFUSED/);
    closed.close();
  });
});
