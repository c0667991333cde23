import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";

/** Runs the command line in-process, capturing what it writes. */
async function run(...args: string[]) {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const code = await main(["node", "switchyard", ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

afterEach(() => vi.restoreAllMocks());

describe("the switchyard command line", () => {
  it("documents every command and the exit codes", async () => {
    const help = await run("--help");
    expect(help.code).toBe(0);
    for (const command of ["status", "deploy", "canary", "mirror", "promote", "rollback", "rollout", "compare", "history"]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
    expect(help.stdout).toContain("Exit codes: 0 done, 1 an update or a tool failed, 2 invalid input or stack config (nothing changed)");
  });

  it.each([
    [["canary", "checkout", "101"], "got \"101\"; allowed: an integer percentage from 0 to 100"],
    [["canary", "checkout", "five"], "got \"five\"; allowed: an integer percentage from 0 to 100"],
    [["deploy", "checkout", "1.6.0", "--env", "NO_VALUE"], 'got "NO_VALUE"; allowed: NAME=VALUE'],
    [["promote"], "name at least one service, or pass --all for every service of the stack"],
    [["rollback", "checkout", "--all"], "got --all and checkout; allowed: service names or --all, not both"],
    [["canary", "--all"], "missing required argument"],
    [["mirror", "checkout", "150"], "got \"150\"; allowed: an integer percentage from 0 to 100"],
    [["canary", "checkout"], 'the percentage (last argument) got "checkout"; allowed: an integer percentage from 0 to 100'],
    [["promote", "checkout", "--lock-timeout", "soon"], 'got "soon"; allowed: a duration such as 0s, 30s, 5m or 1h'],
    [["scale", "checkout"], "unknown command 'scale'"],
    [["rollback", "checkout", "--group", "cart"], "got --group cart and checkout; allowed: service names, --all or --group, one of them"],
    [["deploy", "checkout"], "got 1 argument(s); allowed: <service> <version>, or --group <group> <version> | <service=version...>"],
    [["deploy", "--group", "cart", "checkout=1.6.0", "catalog"], '--group cart: got "catalog"; allowed: one version for every member, or <service>=<version> for each member to deploy'],
    [["deploy", "--group", "cart", "1.6.0", "--tag", "20261201-0000-abcdef0"], "--tag and --digest name one image"],
    [["rollout"], "got neither a service nor --group; allowed: a service, or --group <group>"],
    [["rollout", "checkout", "--group", "cart"], "got checkout and --group cart; allowed: a service, or --group <group>"],
    [["compare"], "got neither a service nor --group"],
    [["history", "checkout", "--group", "cart"], "got checkout and --group cart"],
  ])("refuses %j with exit code 2 before touching the stack", async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it.each([
    [["rollout", "checkout", "--steps", "50,25"], '--steps: got "50,25"; allowed: a comma-separated list of ascending integer percentages'],
    [["rollout", "checkout", "--interval", "soon"], '--interval: got "soon"; allowed: a duration such as 30s, 2m or 1h'],
  ])("refuses rollout %j with exit code 2 and says what is allowed", async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("with --json, reports a refusal as JSON on stdout", async () => {
    const result = await run("--json", "rollout", "checkout", "--steps", "0");
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: expect.stringContaining("--steps: got \"0\""), exitCode: 2 });
  });
});

describe("durations on the command line", () => {
  it.each([
    ["0s", 0],
    ["30s", 30_000],
    ["5m", 300_000],
    ["250ms", 250],
  ])("--lock-timeout %s is %d ms", async (text, ms) => {
    const { durationArgument } = await import("../../cli/context/arguments");
    expect(durationArgument(text)).toBe(ms);
  });
});
