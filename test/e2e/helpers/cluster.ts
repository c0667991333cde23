import { spawn, type ChildProcess } from "node:child_process";
import { clusterTools, kubeconfigPath, kubectl, TEST_CLUSTER } from "../../../dev/lib/cluster";

/** kubectl in one namespace of the tests' cluster, returning parsed JSON. */
export function getJson(namespace: string, ...args: string[]): any {
  return JSON.parse(kubectl(TEST_CLUSTER, ["-n", namespace, "get", ...args, "-o", "json"]).stdout);
}

export function kubectlIn(namespace: string, ...args: string[]): string {
  return kubectl(TEST_CLUSTER, ["-n", namespace, ...args]).stdout;
}

/** Weights of a VirtualService's weighted route, by subset. */
export function liveWeights(namespace: string, service: string): Record<string, number> {
  const virtualService = getJson(namespace, "virtualservice", service);
  const weighted = virtualService.spec.http.find((route: any) => route.name === "weighted");
  return Object.fromEntries(weighted.route.map((destination: any) => [destination.destination.subset, destination.weight]));
}

export function deploymentUids(namespace: string): Record<string, string> {
  const list = getJson(namespace, "deployments");
  return Object.fromEntries(list.items.map((item: any) => [item.metadata.name, item.metadata.uid]));
}

/** Lines printed by a `kubectl get --watch` with a jsonpath template, as they arrive. */
export class Watch {
  readonly lines: { at: number; text: string }[] = [];
  private readonly process: ChildProcess;

  constructor(namespace: string, resource: string, template: string) {
    const tools = clusterTools();
    this.process = spawn(
      tools.kubectl,
      ["--kubeconfig", kubeconfigPath(TEST_CLUSTER), "-n", namespace, "get", resource, "--watch", "-o", `jsonpath=${template}`],
      { env: tools.env, stdio: ["ignore", "pipe", "inherit"] },
    );
    let partial = "";
    this.process.stdout!.on("data", (chunk: Buffer) => {
      const text = partial + chunk.toString("utf8");
      const parts = text.split("\n");
      partial = parts.pop()!;
      for (const line of parts) if (line.trim() !== "") this.lines.push({ at: Date.now(), text: line.trim() });
    });
  }

  stop(): void {
    this.process.kill("SIGTERM");
  }
}
