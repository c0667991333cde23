/**
 * Runs in the page: every element that shows text of its own, with the WCAG
 * contrast ratio of its text color against the background it is drawn on
 * (the first opaque background up the tree; white at the root). Large text
 * (24px, or 18.66px bold) needs 3:1, other text 4.5:1 (WCAG 2 AA).
 */
export function textContrasts(): { text: string; ratio: number; required: number }[] {
  const parse = (color: string): [number, number, number, number] => {
    const parts = /rgba?\(([^)]+)\)/.exec(color)![1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
    return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
  };
  const luminance = ([r, g, b]: readonly number[]) => {
    const channel = (value: number) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
  };
  const background = (element: Element | null): [number, number, number, number] => {
    for (let current = element; current !== null; current = current.parentElement) {
      const color = parse(getComputedStyle(current).backgroundColor);
      if (color[3] === 1) return color;
    }
    return [255, 255, 255, 1];
  };
  const results: { text: string; ratio: number; required: number }[] = [];
  for (const element of Array.from(document.querySelectorAll("body *"))) {
    const own = Array.from(element.childNodes).filter((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim() !== "");
    if (own.length === 0 || (element as HTMLElement).offsetParent === null) continue;
    const style = getComputedStyle(element);
    const [lighter, darker] = [luminance(parse(style.color)), luminance(background(element))].sort((a, b) => b - a);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    results.push({ text: own.map((node) => node.textContent!.trim()).join(" ").slice(0, 40), ratio: (lighter! + 0.05) / (darker! + 0.05), required: large ? 3 : 4.5 });
  }
  return results;
}
