/** Prometheus could not answer: unreachable, too slow, or the query is wrong. A rollout never promotes on one. */
export class PrometheusError extends Error {
  override name = "PrometheusError";
}

interface QueryResponse {
  status: "success" | "error";
  error?: string;
  data?: { resultType: string; result: unknown };
}

/**
 * Runs an instant query through Prometheus' HTTP API (`/api/v1/query`) and
 * returns its single number, or `undefined` when it matched no series.
 */
export async function queryScalar(baseUrl: string, query: string, timeoutSeconds: number): Promise<number | undefined> {
  const url = `${baseUrl}/api/v1/query?${new URLSearchParams({ query })}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
  } catch (error) {
    const cause = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutSeconds}s (analysis.timeoutSeconds)` : describe(error);
    throw new PrometheusError(`Prometheus at ${baseUrl} is unreachable: ${cause}`);
  }
  const body = (await response.json().catch(() => undefined)) as QueryResponse | undefined;
  if (!response.ok || body?.status !== "success" || body.data === undefined) {
    throw new PrometheusError(`Prometheus at ${baseUrl} refused the query ${query}: HTTP ${response.status} ${body?.error ?? ""}`.trim());
  }
  return singleValue(body.data, query);
}

function singleValue(data: { resultType: string; result: unknown }, query: string): number | undefined {
  if (data.resultType === "scalar") return Number((data.result as [number, string])[1]);
  if (data.resultType !== "vector") {
    throw new PrometheusError(`the query ${query} returned a ${data.resultType}; it must return one number (an instant vector of one series or a scalar)`);
  }
  const series = data.result as { value: [number, string] }[];
  if (series.length === 0) return undefined;
  if (series.length > 1) {
    throw new PrometheusError(`the query ${query} returned ${series.length} series; aggregate it to one, for example with sum(...)`);
  }
  return Number(series[0]!.value[1]);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
