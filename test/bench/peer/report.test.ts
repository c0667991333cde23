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
  startupTable,
  targetRows,
  targetTable,
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
  run: { startMs: 0, endMs: (seconds / 2) * 1000, output: "", processes: [], exitCode: 0 },
  weightOnNothing,
});

const run = (rollback: number, flags: Record<string, number>, writes: [number, number], nothing = 0): RunFigures => ({
  step: timedRun(1),
  abort: timedRun(2, nothing),
  rollback: timedRun(rollback),
  flags,
  rollbackWrites: { byTool: writes[0], total: writes[1], events: 0, byActor: {} },
  settledSeconds: rollback + 1,
  autoRollback: { safeSeconds: 0.5 },
});

/** A switchyard run: its commands record, and the same rollback also ran with --no-fast-path. */
const switchyardRun = (rollback: number, plainExit: number, notes: string[] = ["taken", "taken", "taken", "taken"]): RunFigures => ({
  ...run(rollback, { false: 2 }, [2, 2]),
  autoRollback: { safeSeconds: 0.1, recordedSeconds: 6 },
  recordedPathRollback: { ...timedRun(plainExit), commandSeconds: plainExit },
  recordChanged: { changed: 1, of: 1 },
  fastPath: notes,
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
    expect(figures.autoSafe.median).toBe(0.5);
    expect(figures.autoRecorded).toBeUndefined();
    expect(figures.plainRollback).toBeUndefined();
  });

  it("summarizes switchyard's own figures: the record after the verdict, the plain path, and what the commands said of the fast path", () => {
    const figures = toolFigures([switchyardRun(1, 10), switchyardRun(2, 12, ["taken", "taken", "not taken: blue is not ready", "taken"])]);
    expect(figures.autoRecorded?.median).toBe(6);
    expect(figures.plainRollbackCommand).toEqual({ median: 11, min: 10, max: 12, runs: 2 });
    expect(figures.fastPath).toBe("taken in 7 of 8 commands; not taken: blue is not ready in 1 of 8 commands");
    expect(figures.recordChanged).toEqual({ changed: 2, of: 2 });
  });

  it("refuses a figure that only some runs have: a median over fewer runs would pass for all of them", () => {
    expect(() => toolFigures([switchyardRun(1, 10), run(1, {}, [1, 1])])).toThrow(/missing from 1 of 2 runs/);
  });
});

describe("the side-by-side table", () => {
  const switchyard: ToolFigures = toolFigures([switchyardRun(8, 10)]);
  const argo: ToolFigures = toolFigures([run(12, { true: 2 }, [5, 40])]);
  const rows = peerRows([{ services: 1, switchyard, argo }], "FLAG", "false");
  const row = (number: string) => rows.find((r) => r.scenario.startsWith(`${number} `))!;

  it("has one row per scenario and size, with both tools and the ratio", () => {
    expect(rows.map((r) => r.scenario.split(" ")[0])).toEqual(["1.", "1a.", "1b.", "1c.", "1d.", "2.", "2a.", "3.", "3a.", "4.", "5.", "6.", "6a.", "switchyard's", "switchyard's", "weight"]);
    expect(row("1.")).toMatchObject({ services: 1, switchyard: "8.00 s (8.00–8.00)", argo: "12.00 s (12.00–12.00)", ratio: "0.67×" });
    expect(row("4.")).toMatchObject({ switchyard: "false on 2 of 2 pods", argo: "true on 2 of 2 pods" });
    expect(row("5.")).toMatchObject({ switchyard: "2 / 2", argo: "5 / 40", ratio: "0.05×" });
  });

  it("shows a figure only one tool has with a dash on the other side and no ratio", () => {
    expect(row("1d.")).toMatchObject({ switchyard: "10.00 s (10.00–10.00)", argo: "–", ratio: "–" });
    expect(row("6a.")).toMatchObject({ switchyard: "6.00 s (6.00–6.00)", argo: "–", ratio: "–" });
    expect(row("6.")).toMatchObject({ switchyard: "0.10 s (0.10–0.10)", argo: "0.50 s (0.50–0.50)", ratio: "0.20×" });
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

describe("the release group's abort", () => {
  /** A switchyard run at 20 services with `rollback --group` timed as well. */
  const groupRun = (seconds: number, note = "taken"): RunFigures => ({ ...switchyardRun(8, 10), groupAbort: timedRun(seconds, 0), groupFastPath: note });
  const argo = toolFigures([run(12, { true: 2 }, [5, 40]), run(12, { true: 2 }, [5, 40])]);

  it("is summarized for switchyard when its runs measured it, and not at all otherwise", () => {
    const figures = toolFigures([groupRun(1), groupRun(3, "not taken: green is not ready")]);
    expect(figures.groupAbort).toEqual({ median: 2, min: 1, max: 3, runs: 2 });
    expect(figures.groupAbortCommand?.median).toBe(1);
    expect(figures.groupFastPath).toBe("taken in 1 of 2 commands; not taken: green is not ready in 1 of 2 commands");
    expect(toolFigures([switchyardRun(8, 10)]).groupAbort).toBeUndefined();
    expect(argo.groupAbort).toBeUndefined();
  });

  it("counts toward the weight ever sent to a subset with no ready pod", () => {
    expect(toolFigures([{ ...groupRun(1), groupAbort: timedRun(1, 25) }]).weightOnNothing).toBe(25);
  });

  it("refuses a group figure that only some runs have", () => {
    expect(() => toolFigures([groupRun(1), switchyardRun(8, 10)])).toThrow(/missing from 1 of 2 runs/);
  });

  it("adds rows after row 2a, only for the sizes that measured it, against Argo's aborts of row 2", () => {
    const single = { services: 1, switchyard: toolFigures([switchyardRun(8, 10)]), argo };
    const twenty = { services: 20, switchyard: toolFigures([groupRun(1), groupRun(1)]), argo };
    const rows = peerRows([single, twenty], "FLAG", "false");
    const numbers = rows.map((r) => r.scenario.split(" ")[0]);
    expect(numbers.slice(numbers.indexOf("2a."), numbers.indexOf("3."))).toEqual(["2a.", "2a.", "2b.", "2c.", "2d."]);
    const [group, recorded, fastPath] = rows.filter((r) => /^2[bcd]\. /.test(r.scenario));
    expect(group).toEqual({
      scenario: "2b. abort a 25% canary of a release group (`rollback --group`, all 20 services with lanes): time-to-safe; Argo: its 20 `abort`s of row 2",
      services: 20,
      switchyard: "1.00 s (1.00–1.00)",
      argo: "2.00 s (2.00–2.00)",
      ratio: "0.50×",
    });
    expect(recorded).toMatchObject({ services: 20, switchyard: "0.50 s (0.50–0.50)", argo: "1.00 s (1.00–1.00)", ratio: "0.50×" });
    expect(fastPath).toMatchObject({ services: 20, switchyard: "taken in 2 of 2 commands", argo: "–", ratio: "–" });
  });

  it("leaves the table as it was when no size measured it", () => {
    const rows = peerRows([{ services: 1, switchyard: toolFigures([switchyardRun(8, 10)]), argo }], "FLAG", "false");
    expect(rows.some((r) => /^2[bcd]\. /.test(r.scenario))).toBe(false);
  });
});

describe("targetRows", () => {
  it("checks every move's time-to-safe against Argo's abort, the automatic rollback against Argo's own, and the record against the plain path", () => {
    const switchyard = toolFigures([switchyardRun(8, 10)]);
    const argo = toolFigures([run(12, { true: 2 }, [5, 40])]);
    const rows = targetRows([{ services: 20, switchyard, argo }]);
    expect(rows.map((r) => [r.services, r.met])).toEqual([
      [20, false],
      [20, true],
      [20, true],
      [20, true],
      [20, true],
    ]);
    expect(rows[0]).toMatchObject({ target: "switchyard rollback: time-to-safe at or below Argo's abort (2.00 s (2.00–2.00))", measured: "8.00 s (8.00–8.00): 4.00×" });
    expect(rows[4]!.measured).toBe("4.00 s (4.00–4.00) against 10.00 s (10.00–10.00): 0.40×");
  });

  it("says the record was not compared when the plain path was not run", () => {
    const figures = toolFigures([run(1, {}, [1, 1])]);
    const [, , , , record] = targetRows([{ services: 1, switchyard: figures, argo: figures }]);
    expect(record).toMatchObject({ measured: "not measured", met: undefined });
    expect(targetTable([record!])).toContain("| not measured | – |");
  });
});

describe("startupTable", () => {
  it("gives both tools' median start-up and the ratio", () => {
    const table = startupTable({ switchyard: summarize([0.4, 0.5, 0.6]), argo: summarize([0.1, 0.1, 0.2]) }).split("\n");
    expect(table[2]).toBe("| median of 3 runs each, taking turns | 0.50 s (0.40–0.60) | 0.10 s (0.10–0.20) | 5.00× |");
  });
});

describe("profileTable", () => {
  it("gives each phase's median per size", () => {
    const phase = (untilWrite: number) => ({ untilWrite, writing: 0.01, seen: 0.005, untilRecord: 0.3, record: 5, afterRecord: 0.1 });
    const table = profileTable([{ services: 1, phases: [phase(0.4), phase(0.6)] }, { services: 20, phases: [phase(0.9)] }]).split("\n");
    expect(table[0]).toBe("| phase of switchyard's rollback (fast path) | 1 service | 20 services |");
    expect(table[2]).toMatch(/^\| command start until its first VirtualService write .* \| 0\.50 s \| 0\.90 s \|$/);
  });

  it("says so when there is no profiled fast-path run", () => {
    expect(profileTable([{ services: 1, phases: [] }])).toMatch(/no phases to show: no profiled run was asked for .*or none took the fast path/);
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
