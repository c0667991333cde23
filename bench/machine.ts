import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runPulumi, type PulumiEnvironment } from "../cli/pulumi/process";
import { ETCD_VERSION, KUBERNETES_PROVIDER_VERSION, KUBERNETES_VERSION, KWOK_VERSION, PROJECT_ROOT } from "../dev/lib/toolchain";
import type { Machine } from "./report";

function installedVersion(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
}

function osName(): string {
  const release = fs.existsSync("/etc/os-release") ? fs.readFileSync("/etc/os-release", "utf8") : "";
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] ?? os.type();
  return `${pretty}, kernel ${os.release()}`;
}

/** The machine and the versions of everything measured, with the load average at the start. */
export function describeMachine(environment: PulumiEnvironment): Omit<Machine, "load"> {
  return {
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    os: osName(),
    versions: {
      "pulumi CLI": runPulumi(environment, ["version"]).stdout.trim(),
      "Kubernetes provider": `v${KUBERNETES_PROVIDER_VERSION}`,
      "@pulumi/pulumi": installedVersion("@pulumi/pulumi"),
      "@pulumi/kubernetes": installedVersion("@pulumi/kubernetes"),
      "Node.js": process.version,
      "kube-apiserver": KUBERNETES_VERSION,
      etcd: ETCD_VERSION,
      KWOK: KWOK_VERSION,
    },
  };
}

export function loadAverage(): number {
  return os.loadavg()[0]!;
}
