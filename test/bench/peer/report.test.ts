import { describe, expect, it } from "vitest";
import { NOTES_MARKER } from "../../../bench/report";
import { summarize } from "../../../bench/stats";
import {
  formatCount,
  formatFlags,
  formatSeconds,
  markdownTable,
  peerRows,
  profileTable,
  ratio,
  replaceSection,
  SECTION_BEGIN,
  SECTION_END,
  textTable,
  toolFigures,
  type ToolFigures,
} from "../../../bench/peer/report";
import type { RunFigures, Timed } from "../../../bench/peer/scenarios";

const timedRun = (seconds: number, weightOnNothing = 0): Timed => ({
  seconds,
  commandSeconds: seconds / 2,
  startMs: 0,
  doneMs: seconds * 1000,
  run: { startMs: 0, endMs: (seconds / 2) * 1000, output: "", processes: [] },
  weightOnNothing,
});

const run = (rollback: number, flags: Record<string, number>, writes: [number, number], nothing = 0): RunFigures => ({
  step: timedRun(1),
  abort: timedRun(2, nothing),
  rollback: timedRun(rollback),
  flags,
  rollbackWrites: { byTool: writes[0], total: writes[1], events: 0, byActor: {} },
  settledSeconds: rollback + 1,
});

describe("figures as text", () => {
  it("gives the median with the fastest and slowest run", () => {
    expect(formatSeconds(summarize([3, 1, 2]))).toBe("2.00 s (1.00–3.00)");
    expect(formatCount(summarize([2, 2]))).toBe("2");
    expect(formatCount(summarize([1, 3, 2]))).toBe("2 (1–3)");
  });

  it("divides switchyard's median by Argo's", () => {
    expect(ratio(summarize([4]), summarize([2]))).toBe("2.00×");
    expect(ratio(summarize([4]), summarize([0]))).toBe("–");
  });

  it("tells which flag values the serving pods saw", () => {
    expect(formatFlags({ false: 10 })).toBe("false on 10 of 10 pods");
    expect(formatFlags({ true: 1, false: 3 })).toBe("false on 3 of 4 pods, true on 1 of 4 pods");
    expect(formatFlags({})).toBe("no serving pods");
  });
});

describe("toolFigures", () => {
  it("summarizes every scenario over the runs and adds up the pods that saw each flag value", () => {
    const figures = toolFigures([run(3, { false: 2 }, [1, 2]), run(5, { false: 2 }, [1, 4], 100), run(4, { false: 2 }, [1, 3])]);
    expect(figures.rollback).toEqual({ median: 4, min: 3, max: 5, runs: 3 });
    expect(figures.settled.median).toBe(5);
    expect(figures.rollbackCommand.median).toBe(2);
    expect(figures.flags).toEqual({ false: 6 });
    expect(figures.writesTotal.median).toBe(3);
    expect(figures.weightOnNothing).toBe(100);
  });
});

describe("the side-by-side table", () => {
  const switchyard: ToolFigures = toolFigures([run(8, { false: 2 }, [2, 2])]);
  const argo: ToolFigures = toolFigures([run(12, { true: 2 }, [5, 40])]);
  const rows = peerRows([{ services: 1, switchyard, argo }], "FLAG", "false");

  it("has one row per scenario and size, with both tools and the ratio", () => {
    expect(rows.map((row) => row.scenario.split(" ")[0])).toEqual(["1.", "1a.", "1b.", "2.", "3.", "4.", "5.", "weight"]);
    expect(rows[0]).toMatchObject({ services: 1, switchyard: "8.00 s (8.00–8.00)", argo: "12.00 s (12.00–12.00)", ratio: "0.67×" });
    expect(rows[5]).toMatchObject({ switchyard: "false on 2 of 2 pods", argo: "true on 2 of 2 pods" });
    expect(rows[6]).toMatchObject({ switchyard: "2 / 2", argo: "5 / 40", ratio: "0.05×" });
  });

  it("renders as Markdown and as aligned text", () => {
    const markdown = markdownTable(rows).split("\n");
    expect(markdown[0]).toBe("| scenario | services | switchyard | Argo Rollouts | switchyard / Argo |");
    expect(markdown).toHaveLength(2 + rows.length);
    const text = textTable(rows).split("\n");
    expect(text[0]).toMatch(/^scenario\s+services\s+switchyard\s+Argo Rollouts\s+ratio$/);
    expect(text).toHaveLength(1 + rows.length);
  });
});

describe("profileTable", () => {
  it("gives each phase's median per size", () => {
    const phase = (beforeUp: number) => ({ beforeUp, engineStart: 1, untilFirstWrite: 2, writing: 0, afterWrites: 0.5 });
    const table = profileTable([{ services: 1, phases: [phase(4), phase(6)] }, { services: 20, phases: [phase(0)] }]).split("\n");
    expect(table[0]).toBe("| phase of switchyard's rollback | 1 service | 20 services |");
    expect(table[2]).toMatch(/^\| before `pulumi up` starts .* \| 5\.00 s \| 0\.00 s \|$/);
  });
});

describe("replaceSection", () => {
  it("appends the section after the notes marker, adding the marker to a file without it", () => {
    const written = replaceSection("# Benchmark results\n", "figures");
    expect(written.indexOf(NOTES_MARKER)).toBeLessThan(written.indexOf(SECTION_BEGIN));
    expect(written).toContain(`${SECTION_BEGIN}\nfigures\n${SECTION_END}`);
  });

  it("replaces only its own section and keeps the rest", () => {
    const before = `# Results\n\n${NOTES_MARKER}\n\nnotes\n\n${SECTION_BEGIN}\nold\n${SECTION_END}\n\nmore notes\n`;
    expect(replaceSection(before, "new")).toBe(`# Results\n\n${NOTES_MARKER}\n\nnotes\n\n${SECTION_BEGIN}\nnew\n${SECTION_END}\n\nmore notes\n`);
  });
});
