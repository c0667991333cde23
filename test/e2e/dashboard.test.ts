import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PROJECT_ROOT } from "../../dev/lib/toolchain";
import { launchChromium } from "./helpers/browser";
import { textContrasts } from "./helpers/contrast";
import { kubectlIn, Watch } from "./helpers/cluster";
import { MetricsSource } from "./helpers/metricsSource";
import { freePort, PrometheusServer, useAnalysis } from "./helpers/prometheus";
import { TestProject } from "./helpers/project";

/**
 * `switchyard dashboard` on the local cluster, read by a real browser
 * (Debian's Chromium): the page follows a canary, a rollback and a rollout
 * with Prometheus live, without reloading. Screenshots of those moments go
 * to .switchyard/screenshots/ (ignored); `npm run docs:screenshot` copies
 * the canary's into docs/dashboard.png for the README.
 */
const SCREENSHOTS = path.join(PROJECT_ROOT, ".switchyard", "screenshots");

describe("switchyard dashboard: a live page of services, traffic, pods, history and rollouts", () => {
  let project: TestProject;
  let metrics: MetricsSource;
  let prometheus: PrometheusServer;
  let browser: Browser;
  let page: Page;
  let dashboard: ReturnType<TestProject["switchyardAsync"]>;
  let url: string;

  /** Starts the dashboard on a free port; resolves with its URL once it printed it. */
  const startDashboard = async (args: readonly string[] = []) => {
    const started = project.switchyardAsync(["dashboard", "--port", "0", "--json", ...args]);
    let found = "";
    await vi.waitFor(
      () => {
        found = /switchyard dashboard of stack \S+: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(started.stderrSoFar())?.[1] ?? "";
        expect(found, started.stderrSoFar()).not.toBe("");
      },
      { timeout: 60_000, interval: 200 },
    );
    return { started, url: found };
  };
  const card = (service: string) => page.locator(`section.card[data-service="${service}"]`);
  const shoot = async (name: string, target: Page = page) => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await target.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
  };

  beforeAll(async () => {
    metrics = await MetricsSource.start();
    prometheus = await PrometheusServer.start([metrics.target]);
    project = new TestProject("cluster");
    useAnalysis(project, prometheus, "6s", 10);
    await project.up();
    ({ started: dashboard, url } = await startDashboard());
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    if (dashboard !== undefined) {
      dashboard.interrupt();
      await dashboard.done;
    }
    await project?.remove();
    await prometheus?.stop();
    await metrics?.stop();
  });

  it("shows one card per service: live color, weights, version and pods per color, the schema gate", async () => {
    await page.goto(url);
    await expect.poll(() => card("checkout").getAttribute("data-service"), { timeout: 15_000 }).toBe("checkout");
    const checkout = card("checkout");
    expect(await checkout.locator("[data-weights]").getAttribute("data-weights")).toBe("100/0");
    expect(await checkout.locator("[data-live]").innerText()).toBe("live: blue");
    expect(await checkout.locator('[data-version="blue"]').innerText()).toBe("1.4.2");
    expect(await checkout.locator('[data-version="green"]').innerText()).toBe("1.5.0");
    await expect.poll(() => checkout.locator('[data-pods="green"]').innerText(), { timeout: 15_000 }).toBe("2/2");
    expect(await checkout.locator('[data-pods="blue"]').innerText()).toBe("2/2");
    expect(await checkout.locator("[data-schema-gate]").innerText()).toContain("database schema 13");
    expect(await card("catalog").locator('[data-version="blue"]').innerText()).toBe("2.0.1");
    // Blue and green are said in words, not only in color.
    expect(await checkout.locator(".bar-legend").innerText()).toBe("traffic: blue 100% / green 0%, as the live VirtualService routes it");
    expect(await page.locator("[data-unavailable-sources]").count()).toBe(0);
  });

  it("follows a canary of 25 without a reload: 75/25, the versions and the pods, and the history and compare", async () => {
    await page.evaluate(() => ((window as any).sameDocument = true));
    const canary = await project.switchyard(["canary", "checkout", "25", "--yes"]);
    expect(canary.status, canary.stderr).toBe(0);
    const checkout = card("checkout");
    await expect.poll(() => checkout.locator("[data-weights]").getAttribute("data-weights"), { timeout: 15_000 }).toBe("75/25");
    expect(await checkout.locator('[data-version="blue"]').innerText()).toBe("1.4.2");
    expect(await checkout.locator('[data-version="green"]').innerText()).toBe("1.5.0");
    expect(await checkout.locator('[data-pods="blue"]').innerText()).toBe("2/2");
    expect(await checkout.locator('[data-pods="green"]').innerText()).toBe("2/2");
    expect(await checkout.locator(".bar").getAttribute("aria-label")).toBe("traffic: blue 75% / green 25%");
    // Once the stack's record catches up (read every few seconds), the badge for an unrecorded move is gone and history has the update.
    await expect.poll(() => checkout.locator("[data-moved]").count(), { timeout: 20_000 }).toBe(0);
    await checkout.locator("details[data-key='history-checkout'] summary").click();
    await expect.poll(() => checkout.locator("[data-history] tbody").innerText(), { timeout: 20_000 }).toContain("canary 0 -> 25");
    expect(await checkout.locator("[data-history] tbody").innerText()).toMatch(/checkout: canary 25% to green \(by [^)]+\)/);
    await checkout.locator("details[data-key='compare-checkout'] summary").click();
    expect(await checkout.locator("[data-compare]").innerText()).toContain("1.4.2 -> 1.5.0 (minor upgrade)");
    expect(await page.evaluate(() => (window as any).sameDocument)).toBe(true);
    await shoot("canary-25.png");
    const docs = process.env.SWITCHYARD_DOCS_SCREENSHOT;
    if (docs !== undefined) fs.copyFileSync(path.join(SCREENSHOTS, "canary-25.png"), path.resolve(PROJECT_ROOT, docs));
  });

  it("updates the card after a rollback without a reload, within seconds of the VirtualService changing", async () => {
    const views = Number(await page.evaluate(() => document.body.dataset.views));
    // The page notes when it first shows the rolled-back weights; the watch notes when the API server changed them.
    await page.evaluate(() => {
      const observer = new MutationObserver(() => {
        if (document.querySelector('section.card[data-service="checkout"] [data-weights="100/0"]') === null) return;
        (window as any).rolledBackAt = Date.now();
        observer.disconnect();
      });
      observer.observe(document.getElementById("app")!, { childList: true, subtree: true });
    });
    const route = (index: number) => `{.spec.http[2].route[${index}].destination.subset}={.spec.http[2].route[${index}].weight}`;
    const watch = new Watch(project.namespace, "virtualservice/checkout", `${route(0)} ${route(1)}{"\\n"}`);
    const rollback = await project.switchyard(["rollback", "checkout", "--yes"]);
    expect(rollback.status, rollback.stderr).toBe(0);
    const checkout = card("checkout");
    await checkout.locator('[data-weights="100/0"]').waitFor({ timeout: 15_000 });
    watch.stop();
    const movedAt = watch.lines.find((line) => line.text.includes("green=0"))?.at;
    const shownAt: number = await page.evaluate(() => (window as any).rolledBackAt);
    expect(movedAt).toBeDefined();
    console.log(`[dashboard] rollback: VirtualService changed on the API server -> shown on the page: ${shownAt - movedAt!} ms (cluster read every 1 s)`);
    expect(shownAt - movedAt!).toBeLessThan(5_000);
    expect(await page.evaluate(() => (window as any).sameDocument)).toBe(true);
    expect(Number(await page.evaluate(() => document.body.dataset.views))).toBeGreaterThan(views);
    expect(await checkout.locator('[data-pods="blue"]').innerText()).toBe("2/2");
    await shoot("rollback.png");
  });

  it("marks a service 'moved, not recorded' while the cluster routes other weights than the stack recorded", async () => {
    const weights = (blue: number, green: number) =>
      JSON.stringify([
        { op: "replace", path: "/spec/http/2/route/0/weight", value: blue },
        { op: "replace", path: "/spec/http/2/route/1/weight", value: green },
      ]);
    const checkout = card("checkout");
    // The rollback's record reaches the page on the next read of the stack: cluster and stack agree again.
    await expect.poll(() => checkout.locator("[data-moved]").count(), { timeout: 15_000 }).toBe(0);
    // As a fast-path move whose record failed leaves it: the VirtualService moved, the stack did not.
    kubectlIn(project.namespace, "patch", "virtualservice", "checkout", "--type=json", "-p", weights(50, 50));
    await checkout.locator('[data-weights="50/50"]').waitFor({ timeout: 10_000 });
    expect(await checkout.locator("[data-moved]").innerText()).toBe("moved, not recorded");
    expect(await checkout.innerText()).toContain("the stack's last update recorded blue 100% / green 0%");
    kubectlIn(project.namespace, "patch", "virtualservice", "checkout", "--type=json", "-p", weights(100, 0));
    await expect.poll(() => checkout.locator("[data-moved]").count(), { timeout: 10_000 }).toBe(0);
  });

  it("charts a rollout judged by Prometheus: one point per interval against the threshold, live", async () => {
    metrics.set("checkout-green", { namespace: project.namespace, version: "1.5.0", requestsPerSecond: 20, errorRate: 0 });
    const rollout = project.switchyardAsync(["rollout", "checkout", "--steps", "10,50", "--interval", "8s", "--yes", "--json"]);
    const panel = page.locator('section.rollout[data-rollout="checkout"]');
    // While it runs: the first judged interval shows before the rollout ends.
    await expect.poll(() => panel.locator('figure[data-chart="errorRate"]').getAttribute("data-points").catch(() => null), { timeout: 90_000, interval: 250 }).toBe("1");
    expect(await panel.getAttribute("data-state")).toBe("running");
    const result = await rollout.done;
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).steps).toHaveLength(2);
    await expect.poll(() => panel.getAttribute("data-state"), { timeout: 15_000 }).toBe("promoted");
    for (const chart of ["errorRate", "requests"]) {
      const figure = panel.locator(`figure[data-chart="${chart}"]`);
      expect(await figure.getAttribute("data-points")).toBe("2");
      expect(await figure.locator("canvas").count()).toBe(1);
    }
    expect(await panel.locator('figure[data-chart="errorRate"] figcaption').innerText()).toContain("at most 0.50%");
    const rows = await panel.locator("[data-figures] tbody tr").allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^1\s+10%\s+\d+\s+0\.00%/);
    expect(rows[1]).toMatch(/^2\s+50%/);
    await expect.poll(() => card("checkout").locator("[data-live]").innerText(), { timeout: 20_000 }).toBe("live: green");
    await panel.scrollIntoViewIfNeeded();
    await shoot("rollout.png");
  });

  it("has text contrast of at least WCAG AA everywhere, services and rollout shown", async () => {
    // The test's code is transpiled with esbuild's keepNames, whose helper the page does not have.
    await page.evaluate("globalThis.__name = (fn) => fn");
    const contrasts = await page.evaluate(textContrasts);
    expect(contrasts.length).toBeGreaterThan(50);
    expect(contrasts.filter((item) => item.ratio < item.required)).toEqual([]);
  });

  it("is usable on a narrow window: nothing wider than the screen, every part still there", async () => {
    const narrow = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await narrow.goto(url);
    await narrow.locator('section.card[data-service="checkout"]').waitFor();
    await narrow.locator('section.rollout[data-rollout="checkout"] canvas').first().waitFor();
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot("narrow.png", narrow);
    await narrow.close();
  });

  it("page weight: the page, its bundle and one view, all served locally", async () => {
    const fresh = await browser.newPage();
    const requests: string[] = [];
    let bytes = 0;
    fresh.on("request", (request) => requests.push(request.url()));
    fresh.on("response", async (response) => {
      if (!response.url().endsWith("/api/events")) bytes += (await response.body().catch(() => Buffer.alloc(0))).length;
    });
    await fresh.goto(url);
    await fresh.locator('section.card[data-service="checkout"]').waitFor();
    expect(requests.every((request) => request.startsWith(url))).toBe(true);
    console.log(`[dashboard] page weight (html + js + css, uncompressed): ${(bytes / 1024).toFixed(1)} KiB`);
    expect(bytes).toBeLessThan(200 * 1024);
    await fresh.close();
  });

  it("refuses bad input with a clear message: a port in use, another address, an unknown stack", async () => {
    const port = new URL(url).port;
    const busy = await project.switchyard(["dashboard", "--port", port]);
    expect(busy.status).toBe(2);
    expect(busy.stderr).toContain(`--port ${port}: 127.0.0.1:${port} is already in use by another program`);
    const remote = await project.switchyard(["dashboard", "--host", "0.0.0.0"]);
    expect(remote.status).toBe(2);
    expect(remote.stderr).toContain('--host: got "0.0.0.0"; allowed: a loopback address');
    // With an operator's own pulumi and backend, as outside the sandbox: a stack name that is not there.
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-dash-backend-"));
    try {
      const env = { ...project.environment.env, SWITCHYARD_PULUMI: project.environment.pulumi, PULUMI_BACKEND_URL: `file://${backend}` };
      const unknown = await run(process.execPath, [path.join(PROJECT_ROOT, "bin", "switchyard.js"), "--cwd", project.dir, "--stack", "nosuch", "dashboard", "--port", "0"], env);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain(`switchyard: stack nosuch does not exist in the backend file://${backend} (from PULUMI_BACKEND_URL): create it with pulumi stack init nosuch`);
    } finally {
      fs.rmSync(backend, { recursive: true, force: true });
    }
  });

  it("with the cluster unreachable, the page shows what the stack holds and marks pods and traffic unavailable", async () => {
    const kubeconfig = project.file("unreachable.kubeconfig.yaml");
    const deadPort = await freePort();
    fs.writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: gone, cluster: {server: 'https://127.0.0.1:" + deadPort + "', insecure-skip-tls-verify: true}}]",
        "users: [{name: gone, user: {token: none}}]",
        "contexts: [{name: gone, context: {cluster: gone, user: gone}}]",
        "current-context: gone",
      ].join("\n"),
    );
    const original = (await project.pulumi(["config", "get", "kubernetes:kubeconfig"])).stdout.trim();
    project.configSet("kubernetes:kubeconfig", kubeconfig);
    try {
      const offline = await startDashboard();
      const view = await browser.newPage();
      await view.goto(offline.url);
      const checkout = view.locator('section.card[data-service="checkout"]');
      await checkout.waitFor();
      const banner = await view.locator("[data-unavailable-sources]").innerText();
      expect(banner).toContain("pods (API server): the API server could not be read");
      expect(banner).toContain("traffic (API server)");
      expect(await checkout.locator("[data-weights]").getAttribute("data-source")).toBe("stack");
      expect(await checkout.locator('[data-version="green"]').innerText()).toBe("1.5.0");
      expect(await checkout.locator('[data-pods="green"]').innerText()).toMatch(/^unavailable: the API server could not be read/);
      await shoot("cluster-unreachable.png", view);
      await view.close();
      offline.started.interrupt();
      const stopped = await offline.started.done;
      expect(stopped.status, stopped.stderr).toBe(0);
      expect(stopped.stderr).toContain("dashboard stopped");
    } finally {
      project.configSet("kubernetes:kubeconfig", original);
    }
  });
});

/** A command's exit status and what it printed, without blocking the test worker. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stderr: string }> {
  const child = spawn(command, [...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ status: code ?? 128, stderr })));
}
