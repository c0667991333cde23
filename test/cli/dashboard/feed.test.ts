import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DashboardFeed } from "../../../cli/dashboard/feed";
import type { DashboardView } from "../../../cli/dashboard/view";
import type { StackSession } from "../../../cli/pulumi/session";
import { parsed } from "../../helpers/fixtures";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A stack session that answers from memory; `outputs` can be changed between reads. */
function session(options: { renderMode: boolean; failHistory?: string }) {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-feed-"));
  dirs.push(projectDir);
  const state = {
    reads: 0,
    outputReads: 0,
    latestStart: "2026-11-30T10:00:00.000Z",
    outputs: { checkout: { live: "blue", canary: 0, weights: { blue: 100, green: 0 }, versions: { blue: "1.4.2", green: "1.5.0" }, images: {}, replicas: {} } } as Record<string, any>,
  };
  const fake = {
    stackName: "dev",
    projectDir,
    readConfig: async () => {
      return { config: parsed(), context: { secretKeys: [], renderMode: options.renderMode }, raw: {}, values: {} };
    },
    servicesOutput: async () => {
      state.outputReads += 1;
      return state.outputs;
    },
    recentUpdates: async () => {
      state.reads += 1;
      // As a file backend reports them: every update is version 0.
      return [{ version: 0, kind: "update", result: "succeeded", message: "", startTime: state.latestStart }];
    },
    history: async () => {
      if (options.failHistory !== undefined) throw new Error(options.failHistory);
      return [];
    },
  };
  return { session: fake as unknown as StackSession, state };
}

const FAST = { clusterEveryMs: 20, stackEveryMs: 20, clusterTimeoutMs: 1000 };

describe("the dashboard's feed: every source read on its own clock, subscribers told of changes only", () => {
  it("in render mode, marks pods and traffic unavailable and still shows the stack's services", async () => {
    const { session: stack } = session({ renderMode: true });
    const feed = new DashboardFeed(stack, FAST);
    await feed.start();
    feed.stop();
    const view = JSON.parse(feed.view()) as DashboardView;
    expect(view.unavailable.map((item) => item.source)).toEqual(["pods (API server)", "traffic (API server)"]);
    expect(view.unavailable[0]!.reason).toBe("render mode: the stack writes YAML files, there is no cluster to read");
    expect(view.services[0]).toMatchObject({ service: "checkout", traffic: { value: { source: "stack", weights: { blue: 100, green: 0 } } } });
  });

  it("reports a source that fails with its error, beside the others", async () => {
    const { session: stack } = session({ renderMode: true, failHistory: "cannot use the backend file:///x: permission denied" });
    const feed = new DashboardFeed(stack, FAST);
    await feed.start();
    feed.stop();
    const view = JSON.parse(feed.view()) as DashboardView;
    expect(view.unavailable).toContainEqual({ source: "stack history", reason: "cannot use the backend file:///x: permission denied" });
    expect(view.services[0]!.history).toEqual({ unavailable: "cannot use the backend file:///x: permission denied" });
  });

  it("asks for the latest update on its clock, reads the outputs again only after a new one, and tells subscribers only of changes", async () => {
    const { session: stack, state } = session({ renderMode: true });
    const feed = new DashboardFeed(stack, FAST);
    await feed.start();
    const told: DashboardView[] = [];
    feed.subscribe((json) => told.push(JSON.parse(json)));
    await expect.poll(() => state.reads).toBeGreaterThan(3);
    expect(state.outputReads).toBe(1);
    expect(told).toEqual([]);
    state.outputs = { checkout: { ...state.outputs.checkout, canary: 25, weights: { blue: 75, green: 25 } } };
    state.latestStart = "2026-11-30T10:01:00.000Z";
    await expect.poll(() => told.length).toBe(1);
    expect(state.outputReads).toBe(2);
    feed.stop();
    expect(told[0]!.services[0]).toMatchObject({ canary: 25, traffic: { value: { weights: { blue: 75, green: 25 } } } });
  });
});
