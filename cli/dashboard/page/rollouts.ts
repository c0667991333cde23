import uPlot from "uplot";
import type { AnalysisPoint, RolloutAnalysis } from "../../rollout/analysisRecord";
import { colorLabel, h, table } from "./dom";

/** A chart waiting for its figure to be in the page, where it learns its width. */
export type PendingChart = () => void;

interface Query {
  readonly name: string;
  readonly key: "errorRate" | "latencySeconds" | "requests";
  readonly unit: (value: number) => string;
  readonly threshold?: { readonly value: number; readonly kind: "at most" | "at least" };
}

const STATE_BADGE: Readonly<Record<RolloutAnalysis["state"], string>> = {
  running: "moved",
  promoted: "ok",
  "rolled-back": "fail",
  halted: "moved",
  superseded: "moved",
  interrupted: "moved",
  failed: "fail",
};

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;

function queriesOf(rollout: RolloutAnalysis): Query[] {
  const { thresholds } = rollout;
  const queries: Query[] = [
    { name: "error rate", key: "errorRate", unit: percent, threshold: { value: thresholds.maxErrorRate, kind: "at most" } },
    { name: "requests", key: "requests", unit: (value) => value.toFixed(0), threshold: { value: thresholds.minRequests, kind: "at least" } },
  ];
  const latency = thresholds.maxLatencySeconds;
  if (latency !== undefined || rollout.points.some((point) => typeof point.latencySeconds === "number")) {
    queries.push({ name: "latency", key: "latencySeconds", unit: (value) => `${value.toFixed(3)} s`, ...(latency === undefined ? {} : { threshold: { value: latency, kind: "at most" } }) });
  }
  return queries;
}

/** A rollout: its steps, a chart per analysis query (one point per judged interval, with the threshold), and the figures as a table. */
export function rolloutPanel(rollout: RolloutAnalysis, charts: PendingChart[]): HTMLElement {
  const finished = rollout.state === "running" ? "running" : `${rollout.state}${rollout.finishedAt ? ` at ${rollout.finishedAt.slice(11, 19)} UTC` : ""}`;
  return h(
    "section",
    { class: "rollout", "data-rollout": rollout.service, "data-state": rollout.state },
    h(
      "h3",
      {},
      `${rollout.service}: `,
      colorLabel(rollout.canaryColor),
      ` ${rollout.version}, started ${rollout.startedAt.slice(0, 19).replace("T", " ")} UTC: `,
      h("span", { class: `badge ${STATE_BADGE[rollout.state]}` }, finished),
    ),
    rollout.reason && h("p", {}, rollout.reason),
    h("p", { class: "muted" }, `${Math.round(rollout.intervalMs / 1000)} s per step, judged over ${rollout.thresholds.window}`),
    h("ol", { class: "steps", "aria-label": "steps" }, ...rollout.steps.map((step) => stepItem(rollout, step))),
    h("div", { class: "charts" }, ...queriesOf(rollout).map((query) => chartFigure(rollout, query, charts))),
    table(
      ["#", "canary", "requests", "error rate", "latency", "verdict"],
      rollout.points.map((point, index) => [
        index + 1,
        `${point.canary}%`,
        shown(point.requests, (value) => value.toFixed(0)),
        shown(point.errorRate, percent),
        shown(point.latencySeconds, (value) => `${value.toFixed(3)} s`),
        `${point.verdict}: ${point.reason}`,
      ]),
      { "data-figures": rollout.service },
    ),
  );
}

function shown(value: number | null | undefined, format: (value: number) => string): string {
  return typeof value === "number" ? format(value) : value === null ? "no data" : "not measured";
}

function stepItem(rollout: RolloutAnalysis, step: number): HTMLElement {
  const judged = [...rollout.points].reverse().find((point) => point.canary === step);
  const state = judged?.verdict ?? (rollout.state === "running" && !rollout.points.some((point) => point.canary > step) ? "pending" : "not reached");
  return h("li", { class: judged?.verdict ?? "" }, `${step}%: ${state}`);
}

function chartFigure(rollout: RolloutAnalysis, query: Query, charts: PendingChart[]): HTMLElement {
  const measured = rollout.points.filter((point) => typeof point[query.key] === "number").length;
  const threshold = query.threshold === undefined ? "no threshold" : `${query.threshold.kind} ${query.unit(query.threshold.value)}`;
  const plot = h("div", { class: "plot" });
  const figure = h(
    "figure",
    { "data-chart": query.key, "data-points": String(measured) },
    h("figcaption", {}, `${query.name} per interval (${threshold}); ${measured} of ${rollout.points.length} intervals measured`),
    plot,
  );
  charts.push(() => drawChart(plot, rollout.points, query));
  return figure;
}

function drawChart(target: HTMLElement, points: readonly AnalysisPoint[], query: Query): void {
  const xs = points.map((_, index) => index + 1);
  const values = points.map((point) => (typeof point[query.key] === "number" ? (point[query.key] as number) : null));
  const series: uPlot.Series[] = [
    { label: "interval" },
    { label: query.name, stroke: "#6d28d9", width: 2, points: { show: true, size: 9, fill: "#6d28d9" }, value: (_, value) => (value === null ? "no data" : query.unit(value)) },
  ];
  const data: uPlot.AlignedData = [xs, values];
  if (query.threshold !== undefined) {
    series.push({ label: `threshold (${query.threshold.kind})`, stroke: "#b91c1c", width: 2, dash: [6, 4], points: { show: false }, value: (_, value) => (value === null ? "" : query.unit(value)) });
    data.push(points.map(() => query.threshold!.value));
  }
  new uPlot(
    {
      width: Math.max(240, target.clientWidth),
      height: 180,
      // The table below the charts has every figure; the legend names the lines only.
      legend: { live: false },
      scales: { x: { time: false, range: [0.5, Math.max(1, points.length) + 0.5] } },
      axes: [
        { label: "interval (canary %)", values: (_, ticks) => ticks.map((tick) => (Number.isInteger(tick) && points[tick - 1] ? `#${tick} (${points[tick - 1]!.canary}%)` : "")) },
        { values: (_, ticks) => ticks.map((tick) => query.unit(tick)), size: 70 },
      ],
      series,
    },
    data,
    target,
  );
}
