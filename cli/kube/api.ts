import * as http from "node:http";
import * as https from "node:https";
import type { ClusterAccess } from "./kubeconfig";

/**
 * The few API server calls switchyard makes (read an object, list, apply
 * one), as plain HTTPS requests: the Kubernetes client library takes longer
 * to load than a rollback takes to reach the API server. Requests share one
 * keep-alive connection pool; `close` ends it so the process can exit.
 */

/** A request the API server refused (with its HTTP status and message) or a connection that failed (with its code). */
export class KubeApiError extends Error {
  override name = "KubeApiError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** What the API server's audit log records as the client of every request. */
export const USER_AGENT = "switchyard";

export interface ApplyOptions {
  readonly fieldManager: string;
  /** Take fields over from other managers instead of failing with a conflict. */
  readonly force: boolean;
}

export class KubeApi {
  private readonly agent: http.Agent;
  private readonly url: URL;

  constructor(private readonly access: ClusterAccess) {
    this.url = new URL(access.server);
    this.agent = this.url.protocol === "http:" ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true, ...access.tls });
  }

  get server(): string {
    return this.access.server;
  }

  /** The object at `path`, or undefined when the API server says 404. */
  async get<T>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>("GET", path);
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Server-side apply of `body` at `path` (the object's own URL). */
  apply<T>(path: string, body: unknown, options: ApplyOptions): Promise<T> {
    const query = new URLSearchParams({ fieldManager: options.fieldManager, ...(options.force ? { force: "true" } : {}) });
    return this.request<T>("PATCH", `${path}?${query}`, body, "application/apply-patch+yaml");
  }

  close(): void {
    this.agent.destroy();
  }

  private request<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const transport = this.url.protocol === "http:" ? http : https;
    return new Promise<T>((resolve, reject) => {
      const request = transport.request(
        new URL(path, this.url),
        {
          method,
          agent: this.agent,
          headers: {
            accept: "application/json",
            // Names switchyard in the API server's audit log, where the benchmark finds its first request.
            "user-agent": USER_AGENT,
            ...this.access.headers,
            ...(payload === undefined ? {} : { "content-type": contentType ?? "application/json", "content-length": Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", (error) => reject(connectionError(error)));
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              try {
                resolve(JSON.parse(text) as T);
              } catch {
                reject(new KubeApiError(`HTTP ${status}: the API server's answer is not JSON`, status));
              }
              return;
            }
            reject(new KubeApiError(`HTTP ${status}${statusMessage(text)}`, status));
          });
        },
      );
      request.on("error", (error) => reject(connectionError(error)));
      if (payload !== undefined) request.write(payload);
      request.end();
    });
  }
}

/** The API server's own words from a Status object, e.g. `: virtualservices ... is forbidden: User "x" cannot patch ...`. */
function statusMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === "string" ? `: ${message}` : "";
  } catch {
    return text.trim() === "" ? "" : `: ${text.trim().slice(0, 300)}`;
  }
}

function connectionError(error: Error): KubeApiError {
  const code = (error as NodeJS.ErrnoException).code;
  return new KubeApiError(code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message);
}
