import * as fs from "node:fs";
import { installDebianPackage } from "./debianPackage";

/** Debian's `prometheus` package puts the server here. */
export const PROMETHEUS = "/usr/bin/prometheus";

/**
 * The rollout tests judge canaries with a real Prometheus. It comes from
 * Debian's package (apt, as root); the package's service is not started:
 * tests run their own server on loopback.
 */
export function ensurePrometheus(log: (line: string) => void): void {
  if (fs.existsSync(PROMETHEUS)) {
    log(`prometheus: installed (${PROMETHEUS})`);
    return;
  }
  installDebianPackage("prometheus", () => fs.existsSync(PROMETHEUS), log);
}
