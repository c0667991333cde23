import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The layering of docs/architecture.md, checked on the source: arrows point
 * down only (cli and resources use model), the sandbox is chosen only where
 * the command starts, and no module imports itself back through others.
 */

const ROOT = path.resolve(__dirname, "..");
const LAYERS = ["model", "resources", "cli", "dev", "policy"] as const;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });
}

/** Every import of a file: project files as repository-relative paths, packages by name. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), "utf8"), true, true);
  return info.importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith(".")) return fileName;
    const target = path.join(path.dirname(file), fileName);
    return [`${target}.ts`, path.join(target, "index.ts")].find((candidate) => fs.existsSync(path.join(ROOT, candidate))) ?? target;
  });
}

const files = ["index.ts", ...LAYERS.flatMap(sourceFiles)];
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const layerOf = (file: string) => file.split(path.sep)[0];

function importsFrom(layer: string): Array<[string, string]> {
  return [...graph].filter(([file]) => layerOf(file) === layer).flatMap(([file, imports]) => imports.map((target): [string, string] => [file, target]));
}

/** Every file and package `file` imports, directly or through other project files. */
function reachableFrom(file: string, seen = new Set<string>()): Set<string> {
  for (const target of graph.get(file) ?? []) {
    if (seen.has(target)) continue;
    seen.add(target);
    reachableFrom(target, seen);
  }
  return seen;
}

describe("the architecture: arrows point down only", () => {
  it("reads the source it checks", () => {
    expect(files.filter((file) => layerOf(file) === "model").length).toBeGreaterThan(10);
    expect(graph.get("cli/main.ts")).toContain("dev/lib/environment.ts");
  });

  it("keeps the model pure: no Pulumi, and nothing from the layers that use it", () => {
    const offending = importsFrom("model").filter(([, target]) => target.startsWith("@pulumi/") || ["resources", "cli", "dev", "policy"].includes(layerOf(target)!));
    expect(offending).toEqual([]);
  });

  it("keeps the components apart from the command and the sandbox", () => {
    expect(importsFrom("resources").filter(([, target]) => ["cli", "dev", "policy"].includes(layerOf(target)!))).toEqual([]);
  });

  it("lets the command use the model, never the components, and choose the sandbox only where it starts", () => {
    const offending = importsFrom("cli").filter(
      ([file, target]) => layerOf(target) === "resources" || (layerOf(target) === "dev" && file !== path.join("cli", "main.ts")),
    );
    expect(offending).toEqual([]);
  });

  it("lets the command run the policy pack's pure rules (the fast path checks a move with the pack's own code), never the policy SDK", () => {
    const fromPolicy = importsFrom("cli").filter(([, target]) => layerOf(target) === "policy");
    expect(fromPolicy.map(([, target]) => target)).toContain(path.join("policy", "lib", "weightSplit.ts"));
    expect(fromPolicy.filter(([, target]) => [...reachableFrom(target)].some((file) => file.startsWith("@pulumi/")))).toEqual([]);
  });

  it("keeps the policy pack a package of its own, which CrossGuard loads alone", () => {
    expect(importsFrom("policy").filter(([, target]) => LAYERS.includes(layerOf(target) as never) && layerOf(target) !== "policy")).toEqual([]);
  });

  it("has no import cycles", () => {
    const cycles: string[][] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...trail.slice(trail.indexOf(file)), file]);
        return;
      }
      state.set(file, "visiting");
      for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...trail, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
