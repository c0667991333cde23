import { describe, expect, it } from "vitest";
import { redactUrl, redactUrls } from "../../../cli/pulumi/process";

describe("backend URLs never show their password", () => {
  it.each([
    ["postgres://switchyard:s3cret@127.0.0.1:5433/state?sslmode=disable", "postgres://switchyard:****@127.0.0.1:5433/state?sslmode=disable"],
    ["postgres://switchyard@127.0.0.1:5433/state?passfile=/x/pgpass", "postgres://switchyard@127.0.0.1:5433/state?passfile=/x/pgpass"],
    ["s3://bucket/prefix", "s3://bucket/prefix"],
  ])("%s is shown as %s", (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it("hides every password in a CLI's error text", () => {
    const text = 'unable to open state database "postgres://ann:pw1@db:5432/a": dial tcp; retried postgres://bob:pw2@db:5432/b';
    expect(redactUrls(text)).toBe('unable to open state database "postgres://ann:****@db:5432/a": dial tcp; retried postgres://bob:****@db:5432/b');
  });
});

describe("what pulumi said went wrong", () => {
  it("keeps pulumi's own error lines and drops the Automation API's wrapping", async () => {
    const { pulumiError } = await import("../../../cli/pulumi/session");
    const wrapped = [
      "code: -2",
      " stdout: ",
      " stderr: Command failed with exit code 1: /bin/pulumi up --yes --skip-preview --message x --stack staging",
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
      "  file:///state/.pulumi/locks/organization/switchyard/staging/1.json: created by ann@laptop (pid 26385) at 2026-11-30T16:08:20Z",
      " err?: Error: Command failed with exit code 1: /bin/pulumi up",
    ].join("\n");
    expect(pulumiError(wrapped)).toBe(
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
        "  file:///state/.pulumi/locks/organization/switchyard/staging/1.json: created by ann@laptop (pid 26385) at 2026-11-30T16:08:20Z",
    );
  });
});
