import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { BootstrapError } from "./goBuild";

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
  const started = Date.now();
  log("prometheus: installing Debian's package with apt-get");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "prometheus"], { env, encoding: "utf8", stdio: "pipe" });
  let result = install();
  if (result.status !== 0 && /Unable to locate package/.test(result.stderr)) {
    log("prometheus: package lists are empty or stale; running apt-get update");
    spawnSync("apt-get", ["update"], { env, stdio: "inherit" });
    result = install();
  }
  if (result.error !== undefined || result.status !== 0 || !fs.existsSync(PROMETHEUS)) {
    throw new BootstrapError(
      `could not install Prometheus with apt-get (needs root and Debian's package lists): ${result.error?.message ?? result.stderr.trim().split("\n").slice(-3).join(" ")}\n` +
        "install it yourself with: apt-get install prometheus",
    );
  }
  log(`prometheus: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
