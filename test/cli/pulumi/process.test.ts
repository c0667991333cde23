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
