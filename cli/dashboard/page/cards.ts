import type { ColorCard, MovedNotRecorded, SchemaGate, ServiceCard, Traffic } from "../view";
import { colorLabel, h, table, unavailable } from "./dom";

const split = (weights: Readonly<Record<string, number>>) => `blue ${weights.blue}% / green ${weights.green}%`;

/** One service: who is live, the traffic split, each color's version and pods, the schema gate, compare and history. */
export function serviceCard(card: ServiceCard, open: ReadonlySet<string>): HTMLElement {
  const name = card.service;
  return h(
    "section",
    { class: "card", "data-service": name, "aria-labelledby": `service-${name}` },
    h(
      "div",
      { class: "card-head" },
      h("h3", { id: `service-${name}` }, name),
      card.live && h("span", { class: `badge ${card.live}`, "data-live": card.live }, `live: ${card.live}`),
      card.canary !== undefined && card.canary > 0 && h("span", { class: "badge moved" }, `canary ${card.canary}%`),
      card.movedNotRecorded && h("span", { class: "badge moved", "data-moved": "true" }, "moved, not recorded"),
    ),
    "value" in card.traffic ? trafficBar(card.traffic.value) : unavailable("traffic", card.traffic.unavailable),
    card.movedNotRecorded && movedNote(card.movedNotRecorded),
    "value" in card.colors ? colorsTable(card.colors.value) : unavailable("versions and pods", card.colors.unavailable),
    card.schemaGate && schemaGate(card.schemaGate),
    details(`compare-${name}`, "compare the two colors", open, () =>
      "value" in card.compare
        ? h(
            "div",
            {},
            h("p", {}, `${card.compare.value.from.color} (live) -> ${card.compare.value.to.color}: what a promote changes`),
            table(["aspect", "change"], card.compare.value.rows.map(([aspect, text]) => [aspect, text]), { "data-compare": name }),
          )
        : unavailable("compare", card.compare.unavailable),
    ),
    details(`history-${name}`, `history${"value" in card.history ? ` (${card.history.value.length})` : ""}`, open, () =>
      "value" in card.history
        ? card.history.value.length === 0
          ? h("p", { class: "muted" }, "no updates of this service yet")
          : table(
              ["#", "time (UTC)", "result", "blue", "green", "change (message, who)"],
              [...card.history.value].reverse().map((row) => [
                row.update,
                row.time.slice(0, 19).replace("T", " "),
                row.result,
                row.versions.blue === undefined ? "-" : `${row.versions.blue} ${row.weights.blue}%`,
                row.versions.green === undefined ? "-" : `${row.versions.green} ${row.weights.green}%`,
                row.description,
              ]),
              { "data-history": name },
            )
        : unavailable("history", card.history.unavailable),
    ),
  );
}

function trafficBar(traffic: Traffic): HTMLElement {
  const { weights } = traffic;
  const segment = (color: "blue" | "green") =>
    weights[color] > 0 && h("span", { class: color, style: `width: ${weights[color]}%` }, weights[color] >= 15 ? `${color} ${weights[color]}%` : `${weights[color]}%`);
  const source = traffic.source === "cluster" ? "as the live VirtualService routes it" : "as the stack last recorded it (the cluster could not be read)";
  return h(
    "div",
    { "data-weights": `${weights.blue}/${weights.green}`, "data-source": traffic.source },
    h("div", { class: "bar", role: "img", "aria-label": `traffic: ${split(weights)}` }, segment("blue"), segment("green")),
    h("p", { class: "bar-legend" }, `traffic: ${split(weights)}, ${source}`),
  );
}

function movedNote(moved: MovedNotRecorded): HTMLElement {
  return h(
    "p",
    { class: "unavailable" },
    `The cluster routes ${split(moved.cluster)}; the stack's last update recorded ${split(moved.recorded)}. ` +
      "A fast-path move is being recorded, or its record failed: the command that moved it said what to run.",
  );
}

function colorsTable(colors: readonly ColorCard[]): HTMLElement {
  return table(
    ["color", "version", "image", "pods ready"],
    colors.map((color) => [
      h("span", {}, colorLabel(color.color), color.live ? " (live)" : ""),
      h("span", { "data-version": color.color }, color.version),
      h("span", { class: "mono" }, color.image ?? "-"),
      "value" in color.pods
        ? h(
            "span",
            { "data-pods": color.color, class: color.pods.value.ready < color.pods.value.desired ? "not-ready" : undefined },
            `${color.pods.value.ready}/${color.pods.value.desired}${color.pods.value.ready < color.pods.value.desired ? " (not all ready)" : ""}`,
          )
        : h("span", { class: "na", "data-pods": color.color }, `unavailable: ${color.pods.unavailable}`),
    ]),
    { "data-colors": "" },
  );
}

function schemaGate(gate: SchemaGate): HTMLElement {
  return h(
    "p",
    { "data-schema-gate": String(gate.schemaVersion) },
    `schema gate: database schema ${gate.schemaVersion}: `,
    ...gate.colors.map((color, index) =>
      h(
        "span",
        { class: color.runs ? undefined : "not-ready" },
        index > 0 ? "; " : "",
        `${color.color} ${color.schema === undefined ? "(no schema range)" : `"${color.schema}"`} ${color.runs ? "can run on it" : "cannot run on it: gets no traffic"}`,
      ),
    ),
  );
}

/** A collapsible part that stays open across live updates when the reader opened it. */
function details(key: string, title: string, open: ReadonlySet<string>, body: () => HTMLElement): HTMLElement {
  return h("details", { "data-key": key, open: open.has(key) ? "" : undefined }, h("summary", {}, title), body());
}
