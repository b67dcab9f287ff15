/** An image reference split the way a Helm chart's `image.repository/tag/digest` values want it. */
export type ImageRef = { repository: string; tag?: string; digest?: string };

export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  if (at >= 0) {
    return { repository: image.slice(0, at), digest: image.slice(at + 1) };
  }
  // A colon after the last slash is a tag; one before it is a registry port.
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) {
    return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  }
  return { repository: image };
}

/**
 * The exact artifact a pod runs: `repo@sha256:...` when the runtime reported a digest in `imageID`,
 * else the image as written in the spec.
 */
export function exactImage(specImage: string, imageID?: string): string {
  const digest = imageID?.match(/@(sha256:[a-f0-9]{64})$/)?.[1];
  if (!digest) return specImage;
  return `${parseImageRef(specImage).repository}@${digest}`;
}

/** The version a human reads: the tag, else a shortened digest. */
export function imageVersion(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const ref = parseImageRef(image);
  return ref.tag ?? (ref.digest ? ref.digest.slice(0, 19) : undefined);
}
