import "uplot/dist/uPlot.min.css";
import "./style.css";
import type { DashboardView } from "../view";
import { serviceCard } from "./cards";
import { h, unavailable } from "./dom";
import { rolloutPanel, type PendingChart } from "./rollouts";

/**
 * The dashboard page: draws the view the server sends, again each time the
 * server sends a new one (server-sent events), without reloading. The server
 * does every reading and joining; this only draws.
 */

const app = document.getElementById("app")!;
const connection = document.getElementById("connection")!;
let last: DashboardView | undefined;
let received = 0;

function render(view: DashboardView): void {
  last = view;
  const open = new Set([...app.querySelectorAll("details[open]")].map((element) => element.getAttribute("data-key") ?? ""));
  const charts: PendingChart[] = [];
  document.getElementById("stack")!.textContent = `stack ${view.stack}`;
  document.title = `switchyard · ${view.stack}`;
  const content: (HTMLElement | false)[] = [
    view.unavailable.length > 0 &&
      h(
        "div",
        { class: "unavailable", role: "alert", "data-unavailable-sources": String(view.unavailable.length) },
        "Shown below is what could be read. Not available:",
        h("ul", {}, ...view.unavailable.map((item) => h("li", {}, `${item.source}: ${item.reason}`))),
      ),
    h("h2", {}, "Services"),
    view.services.length === 0 ? h("p", {}, `stack ${view.stack} has no services yet`) : h("div", { class: "cards" }, ...view.services.map((card) => serviceCard(card, open))),
    h("h2", {}, "Rollouts"),
    view.rollouts.length === 0
      ? h("p", { class: "muted" }, "no rollout of this stack yet (switchyard rollout writes its figures here as it judges each step)")
      : h("div", {}, ...view.rollouts.map((rollout) => rolloutPanel(rollout, charts))),
  ];
  app.replaceChildren(...content.filter((node): node is HTMLElement => node !== false));
  app.setAttribute("aria-busy", "false");
  for (const draw of charts) draw();
  received += 1;
  document.body.dataset.views = String(received);
  document.body.dataset.readAt = view.readAt;
}

function connect(): void {
  const events = new EventSource("/api/events");
  events.addEventListener("view", (event) => {
    connection.textContent = "live";
    render(JSON.parse((event as MessageEvent<string>).data) as DashboardView);
  });
  events.addEventListener("open", () => (connection.textContent = "live"));
  events.addEventListener("error", () => {
    // EventSource reconnects by itself; the page keeps what it last showed and says it may be out of date.
    connection.textContent = last === undefined ? "cannot reach the dashboard server; retrying…" : `disconnected from the dashboard server; showing what was read at ${last.readAt.slice(11, 19)} UTC; retrying…`;
    if (last === undefined) app.replaceChildren(unavailable("the stack", "the dashboard server did not answer (is switchyard dashboard still running?)"));
  });
}

let resizing: number | undefined;
window.addEventListener("resize", () => {
  window.clearTimeout(resizing);
  resizing = window.setTimeout(() => last && render(last), 200);
});

connect();
