import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PrometheusError, queryScalar } from "../../../cli/rollout/prometheus";

/** A stand-in for Prometheus' HTTP API on loopback, answering with the given body. */
async function fakePrometheus(answer: (query: string) => { status?: number; body: unknown; delayMs?: number }) {
  const queries: string[] = [];
  const server = http.createServer((request, response) => {
    const query = new URL(request.url!, "http://x").searchParams.get("query")!;
    queries.push(query);
    const { status = 200, body, delayMs = 0 } = answer(query);
    setTimeout(() => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body)), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, queries };
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections(), server.close();
});

const vector = (...values: string[]) => ({
  status: "success",
  data: { resultType: "vector", result: values.map((value) => ({ metric: {}, value: [1700000000, value] })) },
});

describe("asking Prometheus for one number", () => {
  it("sends the query to /api/v1/query and reads the single series", async () => {
    const prometheus = await fakePrometheus(() => ({ body: vector("0.0125") }));
    expect(await queryScalar(prometheus.url, 'sum(rate(x{a="b"}[2m]))', 5)).toBe(0.0125);
    expect(prometheus.queries).toEqual(['sum(rate(x{a="b"}[2m]))']);
  });

  it("reads a scalar result", async () => {
    const prometheus = await fakePrometheus(() => ({ body: { status: "success", data: { resultType: "scalar", result: [1, "42"] } } }));
    expect(await queryScalar(prometheus.url, "scalar(1)", 5)).toBe(42);
  });

  it("returns undefined when no series matched", async () => {
    const prometheus = await fakePrometheus(() => ({ body: vector() }));
    expect(await queryScalar(prometheus.url, "nothing", 5)).toBeUndefined();
  });

  it("refuses a query that returns several series", async () => {
    const prometheus = await fakePrometheus(() => ({ body: vector("1", "2") }));
    await expect(queryScalar(prometheus.url, "x", 5)).rejects.toThrow("the query x returned 2 series; aggregate it to one");
  });

  it("reports a query Prometheus rejects", async () => {
    const prometheus = await fakePrometheus(() => ({ status: 400, body: { status: "error", error: "parse error at char 4" } }));
    await expect(queryScalar(prometheus.url, "sum(", 5)).rejects.toThrow(/refused the query sum\(: HTTP 400 parse error at char 4/);
  });

  it("gives up after the timeout with a clear error", async () => {
    const prometheus = await fakePrometheus(() => ({ body: vector("1"), delayMs: 3000 }));
    const error = await queryScalar(prometheus.url, "x", 1).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrometheusError);
    expect((error as Error).message).toBe(`Prometheus at ${prometheus.url} is unreachable: no answer within 1s (analysis.timeoutSeconds)`);
  });

  it("reports an unreachable server", async () => {
    const prometheus = await fakePrometheus(() => ({ body: vector("1") }));
    const url = prometheus.url;
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    await expect(queryScalar(url, "x", 2)).rejects.toThrow(new RegExp(`^Prometheus at ${url} is unreachable: .*ECONNREFUSED`));
  });
});
