import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Response } from 'express';

/** Below this a compressed body saves little (the same threshold as the `compression` middleware). */
const MIN_GZIP_BYTES = 1024;

type Serialized = { body: string; etag: string; gzipped?: Buffer };
const serialized = new WeakMap<object, Serialized>();

/**
 * Sends an answer as JSON, serialized once per answer object (services hand out the same object while
 * nothing in it changed), with an ETag: a client that sends it back gets 304 and no body. A client that
 * accepts gzip gets the body compressed once per answer too, instead of once per request by Backstage's
 * compression middleware (which leaves a response that has its own Content-Encoding alone).
 */
export function sendJson(res: Response, value: object) {
  let entry = serialized.get(value);
  if (!entry) {
    const body = JSON.stringify(value);
    entry = {
      body,
      etag: `W/"${createHash('sha1').update(body).digest('base64url')}"`,
    };
    serialized.set(value, entry);
  }
  res.setHeader('ETag', entry.etag);
  // per user, and always revalidated: a browser asks again with If-None-Match and gets 304
  res.setHeader('Cache-Control', 'private, no-cache');
  res.vary('Accept-Encoding');
  res.type('application/json');
  // express answers 304 itself when the request's If-None-Match matches the ETag
  if (entry.body.length >= MIN_GZIP_BYTES && res.req.acceptsEncodings('gzip')) {
    entry.gzipped ??= gzipSync(entry.body);
    res.setHeader('Content-Encoding', 'gzip');
    res.send(entry.gzipped);
    return;
  }
  res.send(entry.body);
}
