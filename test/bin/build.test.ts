import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// bin/ is plain JavaScript, run by node before anything is compiled.
const builder = require("../../bin/build.js") as {
  build(root: string, target?: "command" | "program"): void;
  isFresh(root: string, target?: "command" | "program"): boolean;
  outputs(root: string, target?: "command" | "program"): { bundle: string; sources: string };
  freshBundle(root: string, target?: "command" | "program"): string;
};

/** A project holding just a command entry and one module it imports. */
function project(answer: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-build-"));
  fs.mkdirSync(path.join(root, "cli"));
  fs.writeFileSync(path.join(root, "cli", "main.ts"), 'import { answer } from "./answer";\nexport async function main(): Promise<number> {\n  return answer;\n}\n');
  fs.writeFileSync(path.join(root, "cli", "answer.ts"), `export const answer: number = ${answer};\n`);
  return root;
}

function run(root: string): Promise<number> {
  const bundle = builder.outputs(root).bundle;
  delete require.cache[bundle];
  return (require(bundle) as { main(): Promise<number> }).main();
}

describe("the command ships as a bundle that never runs stale code", () => {
  it("is fresh after a build, lists every project source it holds, and runs them", async () => {
    const root = project(1);
    expect(builder.isFresh(root)).toBe(false);
    builder.build(root);
    expect(builder.isFresh(root)).toBe(true);
    expect(Object.keys(JSON.parse(fs.readFileSync(builder.outputs(root).sources, "utf8"))).sort()).toEqual(["cli/answer.ts", "cli/main.ts"]);
    expect(await run(root)).toBe(1);
  });

  it("is stale once any source it holds changes, or is gone, and a rebuild runs the new code", async () => {
    const root = project(1);
    builder.build(root);
    fs.writeFileSync(path.join(root, "cli", "answer.ts"), "export const answer: number = 22;\n");
    expect(builder.isFresh(root)).toBe(false);
    builder.build(root);
    expect(await run(root)).toBe(22);
    fs.rmSync(path.join(root, "cli", "answer.ts"));
    expect(builder.isFresh(root)).toBe(false);
  });
});

describe("the Pulumi program runs from a bundle that is rebuilt whenever a source changed", () => {
  /** A program entry in the shape of index.ts (`export =` an async function) and one module it imports. */
  function program(version: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-program-"));
    fs.mkdirSync(path.join(root, "model"));
    fs.writeFileSync(path.join(root, "index.ts"), 'import { version } from "./model/version";\nexport = async () => ({ version });\n');
    fs.writeFileSync(path.join(root, "model", "version.ts"), `export const version = "${version}";\n`);
    return root;
  }
  const outputsOf = async (bundle: string) => {
    delete require.cache[bundle];
    return (require(bundle) as () => Promise<{ version: string }>)();
  };

  it("builds on first use, apart from the command's bundle, and what it exports is the program's function", async () => {
    const root = program("1.0.0");
    const bundle = builder.freshBundle(root, "program");
    expect(bundle).not.toBe(builder.outputs(root, "command").bundle);
    expect(builder.isFresh(root, "program")).toBe(true);
    expect(builder.isFresh(root, "command")).toBe(false);
    expect(await outputsOf(bundle)).toEqual({ version: "1.0.0" });
  });

  it("runs an edited source at once: a hand-run pulumi up never runs what an earlier build held", async () => {
    const root = program("1.0.0");
    builder.freshBundle(root, "program");
    fs.writeFileSync(path.join(root, "model", "version.ts"), 'export const version = "2.0.0-edited";\n');
    expect(await outputsOf(builder.freshBundle(root, "program"))).toEqual({ version: "2.0.0-edited" });
  });
});
