import * as fs from "node:fs";
import { BootstrapError, buildComponent, goVersion } from "./lib/goBuild";
import { cacheRoot, COMPONENTS, componentDir, isBuilt, type Component } from "./lib/toolchain";
import { installKubernetesProvider, pulumiEnvironment } from "./lib/environment";
import { ensurePostgres } from "./lib/postgres";
import { ensurePrometheus } from "./lib/prometheus";
import { ensureChromium } from "./lib/chromium";

const log = (line: string) => console.log(`[bootstrap] ${line}`);

/** Builds one component unless its cache folder is complete already; returns that folder. */
export function ensureComponent(component: Component, go: string = goVersion(), logLine: (line: string) => void = log): string {
  const dir = componentDir(component, go);
  if (isBuilt(component, go)) {
    logLine(`${component.name}: up to date (${dir})`);
    return dir;
  }
  fs.mkdirSync(cacheRoot(), { recursive: true });
  buildComponent(component, dir, logLine);
  return dir;
}

/** Builds what is missing or stale, then installs the provider into this clone's plugin cache. */
export function bootstrap(components: readonly Component[] = COMPONENTS): void {
  const go = goVersion();
  for (const component of components) ensureComponent(component, go);
  installKubernetesProvider(pulumiEnvironment());
}

if (require.main === module) {
  const started = Date.now();
  try {
    bootstrap();
    // `npm run bootstrap` (which npm test runs) also sets up what only the tests use.
    ensurePrometheus(log);
    // The team state backend's tests and `npm run backend` run Debian's PostgreSQL.
    ensurePostgres(log);
    // The dashboard's end-to-end test drives Debian's Chromium.
    ensureChromium(log);
    log(`toolchain ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(`[bootstrap] ${error instanceof BootstrapError ? error.message : String(error)}`);
    process.exit(1);
  }
}
