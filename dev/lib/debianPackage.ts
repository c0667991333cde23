import { spawnSync } from "node:child_process";
import { BootstrapError } from "./goBuild";

/**
 * Installs one of Debian's packages with apt-get (as root, which machines
 * here are), running `apt-get update` once when the package lists are empty
 * or stale. `installed` says whether it is there now; a failure names the
 * command to run by hand.
 */
export function installDebianPackage(name: string, installed: () => boolean, log: (line: string) => void): void {
  const started = Date.now();
  log(`${name}: installing Debian's package with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => spawnSync("apt-get", ["install", "-y", "--no-install-recommends", name], { env, encoding: "utf8", stdio: "pipe" });
  let result = install();
  if (result.status !== 0 && /Unable to locate package/.test(result.stderr)) {
    log(`${name}: package lists are empty or stale; running apt-get update`);
    spawnSync("apt-get", ["update"], { env, stdio: "inherit" });
    result = install();
  }
  if (result.error !== undefined || result.status !== 0 || !installed()) {
    throw new BootstrapError(
      `could not install ${name} with apt-get (needs root and Debian's package lists): ${result.error?.message ?? result.stderr.trim().split("\n").slice(-3).join(" ")}\n` +
        `install it yourself with: apt-get install ${name}`,
    );
  }
  log(`${name}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
