import { createHash } from 'node:crypto';
import type { Response } from 'express';

const serialized = new WeakMap<object, { body: string; etag: string }>();

/**
 * Sends an answer as JSON, serialized once per answer object (services hand out the same object while
 * nothing in it changed), with an ETag: a client that sends it back gets 304 and no body.
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
  res.type('application/json');
  // express answers 304 itself when the request's If-None-Match matches the ETag
  res.send(entry.body);
}
