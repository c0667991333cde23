import * as net from "node:net";
import * as http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { isLoopback, startServer, type RunningServer, type ViewSource } from "../../../cli/dashboard/server";

const assets = { html: "<!doctype html><title>t</title>", script: "console.log(1)", style: "body{}" };

/** A view source the test changes by hand. */
function source(): ViewSource & { set(json: string): void } {
  let json = '{"n":1}';
  const listeners = new Set<(json: string) => void>();
  return {
    view: () => json,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set: (next) => {
      json = next;
      for (const listener of listeners) listener(next);
    },
  };
}

/** A raw request, so the Host header can be anything. */
function request(url: string, options: { method?: string; host?: string } = {}): Promise<{ status: number; body: string; type: string; csp: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.host === undefined ? {} : { host: options.host } }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body, type: String(res.headers["content-type"]), csp: String(res.headers["content-security-policy"]) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

async function start(feed: ViewSource = source(), port = 0): Promise<RunningServer> {
  const server = await startServer(feed, assets, "127.0.0.1", port);
  running.push(server);
  return server;
}

describe("the dashboard's server", () => {
  it("serves the page, its bundle and the view, on loopback, and prints its URL", async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // Scripts, styles and data only from the dashboard itself: the page works offline and loads nothing else.
    expect(await request(server.url)).toMatchObject({ status: 200, body: assets.html, csp: "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:" });
    expect(await request(`${server.url}assets/main.js`)).toMatchObject({ status: 200, body: assets.script, type: "text/javascript; charset=utf-8" });
    expect(await request(`${server.url}assets/main.css`)).toMatchObject({ status: 200, type: "text/css; charset=utf-8" });
    expect(await request(`${server.url}api/view`)).toMatchObject({ status: 200, body: '{"n":1}' });
  });

  it("is read-only: anything but GET is refused", async () => {
    const server = await start();
    expect(await request(`${server.url}api/view`, { method: "POST" })).toMatchObject({ status: 405, body: "the dashboard is read-only" });
  });

  it("on loopback, answers only requests addressed to a loopback name (no DNS rebinding)", async () => {
    const server = await start();
    const port = new URL(server.url).port;
    expect((await request(server.url, { host: `localhost:${port}` })).status).toBe(200);
    expect(await request(server.url, { host: `evil.example:${port}` })).toMatchObject({ status: 403, body: "refused: Host evil.example is not a loopback name" });
  });

  it("sends the view at once and each new one as an event, and ends the stream when it stops", async () => {
    const feed = source();
    const server = await start(feed);
    const chunks: string[] = [];
    const ended = new Promise<void>((resolve) => {
      http.get(`${server.url}api/events`, (res) => {
        expect(res.headers["content-type"]).toContain("text/event-stream");
        res.on("data", (chunk) => {
          chunks.push(String(chunk));
          if (chunks.join("").includes('{"n":1}') && !chunks.join("").includes('{"n":2}')) feed.set('{"n":2}');
        });
        res.on("close", resolve);
      });
    });
    await expect.poll(() => chunks.join("")).toContain('data: {"n":2}');
    expect(chunks.join("")).toMatch(/^event: view\ndata: \{"n":1\}\nid: 1\n\n/);
    await running.pop()!.stop();
    await ended;
  });

  it("says which port is in use, and how to choose another", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(start(source(), port)).rejects.toThrow(`--port ${port}: 127.0.0.1:${port} is already in use by another program; choose another port with --port, or --port 0 for any free one`);
    } finally {
      blocker.close();
    }
  });

  it("knows loopback addresses from the others", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1", "localhost"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "192.168.1.10", "example.com", "127.0.0.1.example.com"].some(isLoopback)).toBe(false);
  });
});
