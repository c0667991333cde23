import { describe, expect, it } from "vitest";
import { configCommand } from "../../../cli/pulumi/session";

describe("the pulumi config command a staged change becomes", () => {
  it("keeps the stack file's type of a plain value", () => {
    expect(configCommand({ key: "services.checkout.canary", set: { type: "int", value: 5 } })).toEqual({
      args: ["config", "set", "--path", "--type", "int", "--", "services.checkout.canary", "5"],
    });
  });

  it("stores a secret encrypted, passing its value on stdin and never on the command line", () => {
    const command = configCommand({ key: "secrets.checkout.green.DB_PASSWORD", set: { type: "secret", value: "hunter2\n" } });
    expect(command).toEqual({ args: ["config", "set", "--path", "--secret", "--raw", "--", "secrets.checkout.green.DB_PASSWORD"], input: "hunter2\n" });
    expect(command.args.join(" ")).not.toContain("hunter2");
  });

  it("removes a key that has no value", () => {
    expect(configCommand({ key: "services.checkout.green.note" })).toEqual({ args: ["config", "rm", "--path", "--", "services.checkout.green.note"] });
  });

  it.each(["-Xmx512m", "-hotfix", "--force"])("passes a value starting with a dash (%s) after --, as data, not as a flag", (value) => {
    const { args } = configCommand({ key: "services.checkout.green.env.JAVA_OPTS", set: { type: "string", value } }, ["--stack", "dev"]);
    expect(args).toEqual(["config", "set", "--path", "--type", "string", "--stack", "dev", "--", "services.checkout.green.env.JAVA_OPTS", value]);
  });
});
