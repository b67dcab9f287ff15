/**
 * An image reference split the way a Helm chart's `image.repository/tag/digest` values want it.
 * @public
 */
export type ImageRef = { repository: string; tag?: string; digest?: string };

/**
 * Splits `[registry[:port]/]path[:tag][@digest]`. A colon after the last slash is a tag; one before
 * it is a registry port. The one rule for image references in the environments plugins.
 * @public
 */
export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) || undefined : undefined;
  const slash = name.lastIndexOf('/');
  const colon = name.indexOf(':', slash + 1);
  const ref: ImageRef =
    colon >= 0
      ? {
          repository: name.slice(0, colon),
          tag: name.slice(colon + 1) || undefined,
        }
      : { repository: name };
  if (ref.tag === undefined) delete ref.tag;
  return digest ? { ...ref, digest } : ref;
}

/**
 * The tag of an image reference, if it has one.
 * @public
 */
export function imageTag(image: string | undefined): string | undefined {
  return image ? parseImageRef(image).tag : undefined;
}

/**
 * The version a human reads: the tag, else a shortened digest.
 * @public
 */
export function imageVersion(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const ref = parseImageRef(image);
  return ref.tag ?? (ref.digest ? ref.digest.slice(0, 19) : undefined);
}

/**
 * The exact artifact a pod runs: `repository@sha256:...` when the runtime reported a digest in
 * `imageID`, else the image as written in the spec.
 * @public
 */
export function exactImage(specImage: string, imageID?: string): string {
  const digest = imageID?.match(/@(sha256:[a-f0-9]{64})$/)?.[1];
  if (!digest) return specImage;
  return `${parseImageRef(specImage).repository}@${digest}`;
}
