import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';

/**
 * The router generated from src/schema/openapi.yaml: it validates every request against the spec
 * (path, query, headers, body; unknown query parameters and body fields are refused) before a handler
 * runs, and types each handler's request and response from it. A failed validation is an InputError
 * (400) naming what was wrong.
 *
 * Authentication stays with Backstage's httpAuth in each handler (401 for a missing or bad token,
 * cookies included), so the validator does not check the spec's security scheme itself.
 */
export function createApiRouter() {
  return createOpenApiRouter({
    middleware: [express.json({ limit: '64kb' })],
    validatorOptions: { validateSecurity: false },
  });
}

export type ApiRouter = Awaited<ReturnType<typeof createApiRouter>>;
