/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

type Child = Node | string | number | undefined | null | false;

/** An element with attributes and children; text is always set as text, never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A part of the view that could not be read: said in words, never left blank. */
export function unavailable(what: string, reason: string): HTMLElement {
  return h("p", { class: "na", "data-unavailable": what }, `${what} unavailable: ${reason}`);
}

export function table(headers: readonly string[], rows: readonly (readonly Child[])[], attributes: Record<string, string> = {}): HTMLElement {
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      attributes,
      h("thead", {}, h("tr", {}, ...headers.map((header) => h("th", { scope: "col" }, header)))),
      h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((cell) => h("td", {}, cell))))),
    ),
  );
}

/** `blue`, with its swatch: the color is named, not only shown. */
export function colorLabel(color: string): HTMLElement {
  return h("span", {}, h("span", { class: `swatch ${color}`, "aria-hidden": "true" }), color);
}
