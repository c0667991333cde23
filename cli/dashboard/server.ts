import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { UsageError } from "../context/errors";
import type { PageAssets } from "./bundle";

/** Addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** What the server shows: the view's JSON now, and each new one as it comes (DashboardFeed). */
export interface ViewSource {
  view(): string;
  subscribe(listener: (json: string) => void): () => void;
}

export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The dashboard's HTTP server: the page, its bundle, the view as JSON and as
 * server-sent events. Read-only: anything but GET is refused. On loopback it
 * answers only requests addressed to loopback names, so a web page elsewhere
 * cannot reach it through a DNS name pointed at 127.0.0.1.
 */
export async function startServer(feed: ViewSource, assets: PageAssets, host: string, port: number): Promise<RunningServer> {
  const closers = new Set<() => void>();
  const app = new Hono();
  const loopback = isLoopback(host);
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return c.text("the dashboard is read-only", 405);
    const requested = (c.req.header("host") ?? "").replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
    if (loopback && !isLoopback(requested)) return c.text(`refused: Host ${requested} is not a loopback name`, 403);
    await next();
    c.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
    c.header("X-Content-Type-Options", "nosniff");
    return undefined;
  });
  app.get("/", (c) => c.html(assets.html));
  app.get("/assets/main.js", (c) => c.body(assets.script, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
  app.get("/assets/main.css", (c) => c.body(assets.style, 200, { "Content-Type": "text/css; charset=utf-8" }));
  app.get("/api/view", (c) => c.body(feed.view(), 200, { "Content-Type": "application/json", "Cache-Control": "no-store" }));
  app.get("/api/events", (c) =>
    streamSSE(c, async (stream) => {
      let sent = 0;
      const send = (json: string) => stream.writeSSE({ event: "view", data: json, id: String(++sent) });
      await send(feed.view());
      const unsubscribe = feed.subscribe((json) => void send(json).catch(() => undefined));
      await new Promise<void>((resolve) => {
        closers.add(resolve);
        stream.onAbort(resolve);
      });
      unsubscribe();
    }),
  );

  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    stop: async () => {
      for (const close of closers) close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === "EADDRINUSE") {
    return new UsageError(`--port ${port}: ${host}:${port} is already in use by another program; choose another port with --port, or --port 0 for any free one`);
  }
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
    return new UsageError(`--host ${host}: no network interface of this machine has that address`);
  }
  if (error.code === "EACCES") return new UsageError(`--port ${port}: not allowed to listen on it (ports below 1024 need privileges); choose another`);
  return error;
}
