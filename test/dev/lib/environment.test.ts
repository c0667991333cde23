import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pruneProviderKubeconfigs } from "../../../dev/lib/environment";

describe("the kubeconfig copies the Kubernetes provider leaves in Pulumi's TMPDIR", () => {
  const now = Date.parse("2026-11-23T12:00:00Z");
  const hoursAgo = (hours: number) => new Date(now - hours * 3600 * 1000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-tmpdir-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, modified: Date) => {
    fs.writeFileSync(path.join(dir, name), "apiVersion: v1\n");
    fs.utimesSync(path.join(dir, name), modified, modified);
  };

  it("are deleted once they are more than a day old", () => {
    file("kubeconfig1106985080", hoursAgo(25));
    file("kubeconfig162355922", hoursAgo(49));
    expect(pruneProviderKubeconfigs(dir, now).sort()).toEqual(["kubeconfig1106985080", "kubeconfig162355922"]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("are kept while a running pulumi may still read them", () => {
    file("kubeconfig1106985080", hoursAgo(1));
    expect(pruneProviderKubeconfigs(dir, now)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(["kubeconfig1106985080"]);
  });

  it("are told apart from anything else in the folder, however old", () => {
    file("kubeconfig.yaml", hoursAgo(100));
    file("pulumi-build-cache", hoursAgo(100));
    file("kubeconfig12-backup", hoursAgo(100));
    expect(pruneProviderKubeconfigs(dir, now)).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual(["kubeconfig.yaml", "kubeconfig12-backup", "pulumi-build-cache"]);
  });
});
