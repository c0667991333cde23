/**
 * Image references as container runtimes read them:
 * `[registry[:port]/]path[:tag][@digest]`. Only the tag and the digest
 * matter for immutability.
 */
export interface ImageReference {
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImage(image: string): ImageReference {
  const at = image.indexOf("@");
  const name = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  // A colon before the last slash belongs to a registry port, not to a tag.
  const colon = name.lastIndexOf(":");
  const tag = colon > name.lastIndexOf("/") ? name.slice(colon + 1) : undefined;
  return { ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** MAJOR.MINOR.PATCH with optional pre-release and build metadata (semver.org), with or without a leading v. */
const SEMANTIC_VERSION =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** A CI build id: date, time and the short git commit, e.g. 20240520-1423-abc7f9d. */
const BUILD_ID = /^\d{8}-\d{4}-[0-9a-f]{7,40}$/;
/** What switchyard pins by (model/images.ts); test/policy/contracts.test.ts holds the two to the same answers. */
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isImmutableTag(tag: string): boolean {
  return SEMANTIC_VERSION.test(tag) || BUILD_ID.test(tag);
}

export function isDigest(digest: string): boolean {
  return DIGEST.test(digest);
}
