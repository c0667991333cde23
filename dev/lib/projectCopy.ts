import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./toolchain";

/** The program: what an upgrade of switchyard replaces in a project, relative to the project's root. */
export const PROGRAM_FILES: readonly string[] = ["Pulumi.yaml", "package.json", "tsconfig.json", "bin", "index.ts", "model", "resources"];

/** The stack files, which belong to the user and stay when the program is upgraded. */
const STACK_FILES: readonly string[] = ["Pulumi.dev.yaml", "Pulumi.prod.yaml"];

/** What a copy of the switchyard project is made of: the program and its stack files, never the repo's state or node_modules. */
export const PROJECT_FILES: readonly string[] = [...PROGRAM_FILES, ...STACK_FILES].map((file) => path.join(PROJECT_ROOT, file));

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

/**
 * Replaces the program in the copy at `dir` with the one at `programRoot`,
 * keeping the stack files and state, as an upgrade would. A file the other
 * program does not have (an earlier one may lack a later file) is removed.
 */
export function replaceProgram(dir: string, programRoot: string): void {
  for (const file of PROGRAM_FILES) {
    fs.rmSync(path.join(dir, file), { recursive: true, force: true });
    if (fs.existsSync(path.join(programRoot, file))) fs.cpSync(path.join(programRoot, file), path.join(dir, file), { recursive: true });
  }
}
