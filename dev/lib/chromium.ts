import * as fs from "node:fs";
import { installDebianPackage } from "./debianPackage";

/** Debian's `chromium` package puts the browser here. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * The dashboard's end-to-end test drives a real browser: Debian's Chromium,
 * through the automation library's own executable path (the library
 * downloads no browser of its own).
 */
export function ensureChromium(log: (line: string) => void): void {
  if (fs.existsSync(CHROMIUM)) {
    log(`chromium: installed (${CHROMIUM})`);
    return;
  }
  installDebianPackage("chromium", () => fs.existsSync(CHROMIUM), log);
}
