import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../context/packageRoot";

/**
 * The page's script and styles (with the charting library) bundled by
 * esbuild into one .js and one .css, written into the package's ignored
 * `.switchyard/` folder: generated, never committed. `npm ci` builds them
 * (postinstall); the dashboard builds them again when the page's sources are
 * newer. Nothing is fetched when the page runs.
 */

const DASHBOARD_DIR = path.join(PACKAGE_ROOT, "cli", "dashboard");
const PAGE_DIR = path.join(DASHBOARD_DIR, "page");
const OUT_DIR = path.join(PACKAGE_ROOT, ".switchyard", "dashboard-page");

export interface PageAssets {
  readonly html: string;
  readonly script: string;
  readonly style: string;
}

/** The page, its bundle rebuilt first when missing or older than its sources. */
export async function pageAssets(log: (line: string) => void = () => {}): Promise<PageAssets> {
  const script = path.join(OUT_DIR, "main.js");
  const style = path.join(OUT_DIR, "main.css");
  if (isStale([script, style])) {
    log("building the dashboard page (esbuild)");
    await buildPage();
  }
  return {
    html: fs.readFileSync(path.join(PAGE_DIR, "index.html"), "utf8"),
    script: fs.readFileSync(script, "utf8"),
    style: fs.readFileSync(style, "utf8"),
  };
}

export async function buildPage(): Promise<void> {
  // Loaded here: only a build needs the bundler.
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [path.join(PAGE_DIR, "main.ts")],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    outdir: OUT_DIR,
    logLevel: "warning",
  });
}

function isStale(outputs: readonly string[]): boolean {
  if (!outputs.every((file) => fs.existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => fs.statSync(file).mtimeMs));
  const sources = [...fs.readdirSync(PAGE_DIR).map((name) => path.join(PAGE_DIR, name)), path.join(DASHBOARD_DIR, "view.ts")];
  return sources.some((file) => fs.statSync(file).mtimeMs > built);
}

if (require.main === module) {
  buildPage().catch((error: unknown) => {
    console.error(`dashboard page build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
