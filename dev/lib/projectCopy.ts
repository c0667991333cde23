import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./toolchain";

/** What a copy of the switchyard project is made of: the program and its stack files, never the repo's state or node_modules. */
export const PROJECT_FILES: readonly string[] = ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "package.json", "tsconfig.json", "index.ts", "model", "resources"].map(
  (file) => path.join(PROJECT_ROOT, file),
);

/**
 * Copies files and folders (absolute paths) into `dir` under their own names
 * and links the repository's node_modules there, so a program copied to a
 * temporary folder runs exactly like the original. node_modules is linked, not copied.
 */
export function copyProgram(dir: string, files: readonly string[] = PROJECT_FILES): void {
  for (const file of files) {
    fs.cpSync(file, path.join(dir, path.basename(file)), { recursive: true });
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
}
