import { describe, expect, it } from "vitest";
import { fastPathNote, summarizeNotes } from "../../../bench/peer/fastPathOutput";

describe("fastPathNote", () => {
  it("reads a move made first and recorded after as taken", () => {
    const output = "svc-001: 100% blue at +0.09 s (VirtualService peer/svc-001); recording it with pulumi up\nsvc-001: 100% blue at +0.09 s (VirtualService peer/svc-001); recorded as update at +6.8 s\n";
    expect(fastPathNote(output)).toBe("taken");
    expect(fastPathNote("svc-002: 100% blue at +0.31 s (VirtualService peer/svc-002); recorded as an update at +7.0 s\n")).toBe("taken");
  });

  it("gives the command's reason when it took the plain path", () => {
    expect(fastPathNote("fast path not taken: green is not ready (1 of 2 replicas); pulumi up moves traffic once the colors are ready\n")).toBe(
      "not taken: green is not ready (1 of 2 replicas); pulumi up moves traffic once the colors are ready",
    );
  });

  it("says when the command said nothing of it (the plain path, or --no-fast-path)", () => {
    expect(fastPathNote("Updating (peer)\n  ~ VirtualService svc-001 update\n")).toBe("not said (plain path)");
  });
});

describe("summarizeNotes", () => {
  it("counts each note over every command, the most frequent first", () => {
    expect(summarizeNotes(["taken", "not taken: x", "taken"])).toBe("taken in 2 of 3 commands; not taken: x in 1 of 3 commands");
  });
});
