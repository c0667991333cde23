import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { clusterAccess, KubeconfigError } from "../../../cli/kube/kubeconfig";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

function kubeconfig(user: string, cluster = "    server: https://127.0.0.1:6443\n    certificate-authority: pki/ca.crt\n", current = "main"): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `current-context: ${current}`,
    "clusters:",
    "- name: local",
    "  cluster:",
    cluster.trimEnd(),
    "- name: other",
    "  cluster:",
    "    server: https://10.0.0.1:443",
    "    insecure-skip-tls-verify: true",
    "contexts:",
    "- name: main",
    "  context: {cluster: local, user: admin}",
    "- name: staging",
    "  context: {cluster: other, user: admin}",
    "users:",
    "- name: admin",
    "  user:",
    user.trimEnd(),
    "",
  ].join("\n");
}

describe("reaching the API server from a kubeconfig, as the provider does", () => {
  const savedKubeconfig = process.env.KUBECONFIG;
  afterEach(() => {
    if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = savedKubeconfig;
  });

  it("reads certificate files relative to the kubeconfig's folder, and a path relative to the project", async () => {
    write("cluster/pki/ca.crt", "CA");
    write("cluster/pki/admin.crt", "CERT");
    write("cluster/pki/admin.key", "KEY");
    write("cluster/kubeconfig.yaml", kubeconfig("    client-certificate: pki/admin.crt\n    client-key: pki/admin.key\n"));
    const access = await clusterAccess({ kubeconfig: "cluster/kubeconfig.yaml", projectDir: dir });
    expect(access.server).toBe("https://127.0.0.1:6443");
    expect([access.tls.ca?.toString(), access.tls.cert?.toString(), access.tls.key?.toString()]).toEqual(["CA", "CERT", "KEY"]);
    expect(access.headers).toEqual({});
  });

  it("takes inline data, a token, the stack's kubernetes:context, and kubeconfig content given in the stack config", async () => {
    const text = kubeconfig("    token: abc123\n", `    server: https://127.0.0.1:6443\n    certificate-authority-data: ${Buffer.from("CA").toString("base64")}\n`);
    const access = await clusterAccess({ kubeconfig: text, projectDir: dir });
    expect(access.tls.ca?.toString()).toBe("CA");
    expect(access.headers).toEqual({ authorization: "Bearer abc123" });
    const staging = await clusterAccess({ kubeconfig: text, context: "staging", projectDir: dir });
    expect(staging).toMatchObject({ server: "https://10.0.0.1:443", tls: { rejectUnauthorized: false } });
  });

  it("reads a token file and basic auth", async () => {
    write("pki/ca.crt", "CA");
    write("token", "from-file\n");
    const fromFile = await clusterAccess({ kubeconfig: write("token.yaml", kubeconfig("    tokenFile: token\n")), projectDir: "/" });
    expect(fromFile.headers).toEqual({ authorization: "Bearer from-file" });
    const basic = await clusterAccess({ kubeconfig: write("basic.yaml", kubeconfig("    username: ann\n    password: secret\n")), projectDir: "/" });
    expect(basic.headers).toEqual({ authorization: `Basic ${Buffer.from("ann:secret").toString("base64")}` });
  });

  it("uses KUBECONFIG when the stack names no kubeconfig", async () => {
    write("pki/ca.crt", "CA");
    process.env.KUBECONFIG = write("env.yaml", kubeconfig("    token: from-env\n"));
    expect((await clusterAccess({ projectDir: dir })).headers).toEqual({ authorization: "Bearer from-env" });
  });

  it("leaves an exec plugin to the Kubernetes client library, which runs it", async () => {
    const exec = "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/echo\n      args: ['{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"from-plugin\"}}']\n      interactiveMode: Never\n";
    const access = await clusterAccess({ kubeconfig: write("exec.yaml", kubeconfig(exec)), projectDir: "/" });
    expect(access.server).toBe("https://127.0.0.1:6443");
    expect(access.headers).toMatchObject({ Authorization: "Bearer from-plugin" });
  });

  it.each([
    ["a missing file", { kubeconfig: "nowhere.yaml" }, /the kubeconfig \S+nowhere\.yaml cannot be read: ENOENT/],
    ["a context it does not have", { kubeconfig: kubeconfig("    token: x\n"), context: "prod" }, /has no context prod \(it has: main, staging\)/],
    ["not YAML", { kubeconfig: "a: [\n" }, /is not valid YAML/],
    ["a certificate file that is not there", { kubeconfig: kubeconfig("    client-certificate: gone.crt\n", "    server: https://127.0.0.1:6443\n") }, /client-certificate \S+gone\.crt cannot be read: ENOENT/],
    ["a proxy", { kubeconfig: kubeconfig("    token: x\n", "    server: https://127.0.0.1:6443\n    proxy-url: http://proxy:3128\n") }, /proxy-url, which switchyard's API client does not support/],
  ])("says what is wrong with %s", async (_label, setting, message) => {
    await expect(clusterAccess({ projectDir: dir, ...setting })).rejects.toThrow(KubeconfigError);
    await expect(clusterAccess({ projectDir: dir, ...setting })).rejects.toThrow(message);
  });
});
