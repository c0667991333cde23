import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readStackFile, replaceStackFile, restoreStackFile, StackFileChangedError } from "../../../cli/pulumi/stackFile";

let dir: string;
let stackFile: string;
let staged: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-stackfile-"));
  stackFile = path.join(dir, "Pulumi.dev.yaml");
  staged = path.join(dir, "staged.yaml");
  fs.writeFileSync(stackFile, "canary: 0\n");
  fs.writeFileSync(staged, "canary: 5\n");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("every write to the stack file is a compare-and-swap against the file as read", () => {
  it("writes the staged file when nobody changed the stack file", () => {
    replaceStackFile(readStackFile(stackFile), staged);
    expect(fs.readFileSync(stackFile, "utf8")).toBe("canary: 5\n");
  });

  it("stops, writing nothing, when the stack file was edited after it was read", () => {
    const reading = readStackFile(stackFile);
    fs.writeFileSync(stackFile, "canary: 0\nlive: green\n");
    expect(() => replaceStackFile(reading, staged)).toThrow(StackFileChangedError);
    expect(fs.readFileSync(stackFile, "utf8")).toBe("canary: 0\nlive: green\n");
    expect(() => replaceStackFile(reading, staged)).toThrow(/Pulumi\.dev\.yaml changed since switchyard read it .*nothing was written/);
  });

  it("puts the file back as read when it still holds what the command wrote", () => {
    const reading = readStackFile(stackFile);
    const written = replaceStackFile(reading, staged);
    expect(restoreStackFile(written, reading)).toBe(true);
    expect(fs.readFileSync(stackFile, "utf8")).toBe("canary: 0\n");
  });

  it("leaves the file alone when someone changed it after the command wrote it", () => {
    const reading = readStackFile(stackFile);
    const written = replaceStackFile(reading, staged);
    fs.writeFileSync(stackFile, "canary: 25\n");
    expect(restoreStackFile(written, reading)).toBe(false);
    expect(fs.readFileSync(stackFile, "utf8")).toBe("canary: 25\n");
  });
});
