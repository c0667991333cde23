import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The folder holding switchyard's package.json: above the sources, and above
 * their bundle in dist/, so files of the package (the policy pack, the
 * dashboard's page) are found the same way from either.
 */
export const PACKAGE_ROOT = packageRoot(__dirname);

function packageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
