import * as semver from "semver";

/**
 * Image references are immutable (requirement V2): a tag is a semantic version
 * (`1.2.3` or `v1.2.3`) or a build id `YYYYMMDD-HHMM-<short sha>`, optionally
 * pinned by a digest. Mutable tags such as `latest` are never produced.
 */

/** A build id as CI stamps it: date, time and the short git commit, e.g. `20240520-1423-abc7f9d`. */
const BUILD_ID = /^\d{8}-\d{4}-[0-9a-f]{7,40}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** `host[:port]/path/name`, lower case, no tag and no digest. */
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

export const ALLOWED_VERSION = "a semantic version MAJOR.MINOR.PATCH such as 1.4.2 (no leading v)";
export const ALLOWED_TAG =
  "an immutable tag: the semantic version (1.2.3 or v1.2.3) or a build id YYYYMMDD-HHMM-<short sha> such as 20240520-1423-abc7f9d; never latest";
export const ALLOWED_DIGEST = "a digest sha256:<64 hex characters>";
export const ALLOWED_REPOSITORY =
  "an image repository without tag or digest, such as registry.example.com/shop/checkout";

/** Strict MAJOR.MINOR.PATCH[-prerelease][+build]; `semver.parse` alone would also accept `v1.2.3`, `=1.2.3` and spaces. */
export function isSemanticVersion(version: string): boolean {
  return /^\d\S*$/.test(version) && semver.parse(version) !== null;
}

export function isImmutableTag(tag: string): boolean {
  const withoutV = tag.startsWith("v") ? tag.slice(1) : tag;
  return isSemanticVersion(withoutV) || BUILD_ID.test(tag);
}

export function isDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

export function isRepository(repository: string): boolean {
  return REPOSITORY.test(repository);
}

/** What identifies one color's image: its version, and optionally a build-id tag and a digest. */
export interface ImagePin {
  readonly version: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** `repository:tag[@digest]`, where the tag defaults to the version. Inputs are validated by config parsing. */
export function imageReference(repository: string, pin: ImagePin): string {
  const tag = pin.tag ?? pin.version;
  const reference = `${repository}:${tag}`;
  return pin.digest === undefined ? reference : `${reference}@${pin.digest}`;
}
