import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CheckpointWrites } from "../../bench/checkpoint";

describe("counting checkpoint writes", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("counts each whole-file rename onto the checkpoint, as the file backend writes it, and nothing else", async () => {
    const [stacks, temporary] = [fs.mkdtempSync(path.join(os.tmpdir(), "stacks-")), fs.mkdtempSync(path.join(os.tmpdir(), "tmp-"))];
    dirs.push(stacks, temporary);
    const checkpoint = path.join(stacks, "bench.json");
    fs.writeFileSync(checkpoint, "{}");
    const writes = new CheckpointWrites(checkpoint);
    for (let write = 0; write < 5; write++) {
      const staged = path.join(temporary, `fileblob-${write}`);
      fs.writeFileSync(staged, `{"version": ${write}}`);
      fs.renameSync(staged, checkpoint);
      fs.writeFileSync(`${checkpoint}.attrs`, "{}");
    }
    fs.writeFileSync(path.join(stacks, "other.json"), "{}");
    expect(await writes.stop()).toBe(5);
  });
});
