import { chromium, type Browser } from "playwright-core";
import { CHROMIUM } from "../../../dev/lib/chromium";

/** Debian's Chromium (installed by the bootstrap), headless; playwright-core drives it and downloads nothing. */
export function launchChromium(): Promise<Browser> {
  // As root (machines and CI here), Chromium refuses to start without --no-sandbox.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
}
