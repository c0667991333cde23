import { describe, expect, it } from "vitest";
import { figures, NOTES_MARKER, resultsMarkdown, targets, type ProgramFigures, type Results, type SizeFigures, type Timing } from "../../bench/report";
import { summarize } from "../../bench/stats";

/** Wall times as given; CPU at 80% of the wall time for switchyard-like figures. */
const timing = (wall: number[], cpuShare = 0.8): Timing => ({ wall: summarize(wall), cpu: summarize(wall.map((w) => w * cpuShare)) });
const program = (preview: number, up: number | undefined, perService: number): ProgramFigures => ({
  preview: timing([preview, preview * 0.9, preview * 1.2]),
  ...(up === undefined ? {} : { up: timing([up]) }),
  memoryMiB: summarize([200, 210, 220]),
  perService,
});
const size = (services: number, ours: [number, number | undefined], base: [number, number | undefined]): SizeFigures => ({
  services,
  switchyard: program(ours[0], ours[1], 13),
  baseline: program(base[0], base[1], 9),
});

const results: Results = {
  machine: {
    date: "2026-11-23 10:00 UTC",
    cores: 2,
    memoryGiB: 23.4,
    os: "Debian GNU/Linux 12 (bookworm), kernel 6.1",
    versions: { "pulumi CLI": "v3.259.0", "Node.js": "v20.20.2" },
    load: { before: 0.5, after: 1.25 },
  },
  runs: 3,
  sizes: [size(10, [5, 20], [5, 20]), size(50, [12, 100], [10, 80]), size(200, [40, undefined], [38, undefined])],
  rollbacks: [
    { services: 1, up: timing([4], 1), program: summarize([3]), checkpointWrites: summarize([3, 3]), changes: { "update VirtualService": 1 }, exact: true, kubectl: summarize([0.2]) },
    {
      services: 50,
      up: timing([40], 0.5),
      program: summarize([25, 30, 28]),
      checkpointWrites: summarize([150, 152, 151]),
      changes: { "update VirtualService": 50, "update Deployment": 2 },
      exact: false,
      kubectl: summarize([0.5]),
    },
  ],
};

describe("the benchmark report", () => {
  it("lists each program's figures per size, marking preview-only sizes", () => {
    const text = figures(results);
    expect(text).toContain("| 50 | switchyard | 12.0 s (10.8–14.4) | 9.6 s | 100.0 s (100.0–100.0) | 80.0 s | 210 MiB (200–220) | 13 |");
    expect(text).toContain("| 50 | baseline | 10.0 s (9.0–12.0) | 8.0 s | 80.0 s (80.0–80.0) | 64.0 s | 210 MiB (200–220) | 9 |");
    expect(text).toContain("| 200 | switchyard | 40.0 s (36.0–48.0) | 32.0 s | preview only |  |");
  });

  it("puts switchyard's medians over the baseline's", () => {
    const text = figures(results);
    expect(text).toContain("| services | preview | preview CPU | up | up CPU |");
    expect(text).toContain("| 50 | 1.20x | 1.20x | 1.25x | 1.25x |");
    expect(text).toContain("| 200 | 1.05x | 1.05x | – | – |");
  });

  it("reports rollback changes, the Deployments among them, where the up went and the floor", () => {
    const text = figures(results);
    expect(text).toContain("| services rolled back | pulumi up | up CPU | program run and diff | checkpoint writes | changes |");
    expect(text).toContain(
      "| 50 | 40.0 s (40.0–40.0) | 20.0 s | 28.0 s (25.0–30.0) | 151 (150–152) | 2 update Deployment, 50 update VirtualService | 2 | NO | 0.5 s (0.5–0.5) | 80.00x |",
    );
  });

  it("meets a component overhead target only when the CPU time meets it too", () => {
    const cpuOver: SizeFigures = { ...size(50, [10, 80], [10, 80]), baseline: { ...program(10, 80, 9), preview: timing([10, 9, 12], 0.7) } };
    const found = targets({ sizes: [cpuOver], rollbacks: [] });
    expect(found).toContainEqual({ target: "component overhead, preview, 50 services: ≤ 1.10x", figure: "1.00x (CPU 1.14x)", met: false });
    expect(found).toContainEqual({ target: "component overhead, up, 50 services: ≤ 1.10x", figure: "1.00x (CPU 1.00x)", met: true });
  });

  it("states each target with the measured wall-time ratio, the CPU ratio beside it, and whether it is met", () => {
    expect(targets(results)).toEqual([
      { target: "component overhead, preview, 10 services: ≤ 1.10x", figure: "1.00x (CPU 1.00x)", met: true },
      { target: "component overhead, up, 10 services: ≤ 1.10x", figure: "1.00x (CPU 1.00x)", met: true },
      { target: "component overhead, preview, 50 services: ≤ 1.10x", figure: "1.20x (CPU 1.20x)", met: false },
      { target: "component overhead, up, 50 services: ≤ 1.10x", figure: "1.25x (CPU 1.25x)", met: false },
      { target: "component overhead, preview, 200 services: ≤ 1.10x", figure: "1.05x (CPU 1.05x)", met: true },
      { target: "preview of 50 services within 3x of 10", figure: "2.40x (CPU 2.40x)", met: true },
      { target: "rollback of 50 services under 2x of 1", figure: "10.00x (CPU 5.00x)", met: false },
      { target: "rollback of 1 changes exactly 1 VirtualService(s), 0 Deployments", figure: "1 update VirtualService", met: true },
      {
        target: "rollback of 50 changes exactly 50 VirtualService(s), 0 Deployments",
        figure: "2 update Deployment, 50 update VirtualService",
        met: false,
      },
    ]);
  });

  it("leaves out targets whose sizes were not measured", () => {
    expect(targets({ sizes: [size(1, [3, 10], [3, 10])], rollbacks: [] }).map((t) => t.target)).toEqual([
      "component overhead, preview, 1 services: ≤ 1.10x",
      "component overhead, up, 1 services: ≤ 1.10x",
    ]);
  });

  it("writes the machine and versions, and keeps the hand-written notes of the previous file", () => {
    const previous = `# old figures\n\n${NOTES_MARKER}\n\n## What bounds a rollback\n\nthe engine.\n`;
    const text = resultsMarkdown(results, previous);
    expect(text).toContain("- Machine: 2 cores, 23 GiB memory, Debian GNU/Linux 12 (bookworm), kernel 6.1");
    expect(text).toContain("- Versions: pulumi CLI v3.259.0, Node.js v20.20.2");
    expect(text).toContain("- Load average (1 min) before / after the run: 0.50 / 1.25");
    expect(text).not.toContain("old figures");
    expect(text.endsWith(`${NOTES_MARKER}\n\n## What bounds a rollback\n\nthe engine.\n`)).toBe(true);
  });

  it("starts the notes section when there is no previous file", () => {
    expect(resultsMarkdown({ ...results, rollbacks: [] }, undefined)).toMatch(/## Rollback\n\nNot measured in this run\.[\s\S]*\n<!-- Notes below/);
  });
});
