import express, { Router } from 'express';
import { z } from 'zod';
import { InputError, NotFoundError } from '../errors.js';

export const MAX_ITEMS = 1000;
export const BODY_LIMIT = '16kb';
export const MAX_WORK_MS = 2000;

export interface Item {
  id: number;
  name: string;
  createdAt: string;
}

const newItemSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
});

const workQuerySchema = z.object({
  ms: z.coerce.number().int().min(0).max(MAX_WORK_MS).default(100),
});

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** The example API: a small in-memory item list, so metrics and logs have something to show. */
export function apiRouter(deps: { appVersion: string; startedAt: Date }): Router {
  const router = Router();
  const items: Item[] = [
    { id: 1, name: 'first', createdAt: deps.startedAt.toISOString() },
    { id: 2, name: 'second', createdAt: deps.startedAt.toISOString() },
  ];
  let nextId = items.length + 1;

  router.get('/api/info', (_req, res) => {
    res.json({
      name: 'express-service',
      version: deps.appVersion,
      node: process.version,
      startedAt: deps.startedAt.toISOString(),
      uptimeSeconds: Math.round(process.uptime()),
    });
  });

  router.get('/api/items', (req, res) => {
    const query = listQuerySchema.safeParse(req.query);
    if (!query.success) throw new InputError('limit must be an integer from 1 to 100');
    res.json({ items: items.slice(0, query.data.limit), total: items.length });
  });

  router.get('/api/items/:id', (req, res) => {
    const id = Number(req.params.id);
    const item = Number.isInteger(id) ? items.find((i) => i.id === id) : undefined;
    if (!item) throw new NotFoundError(`item ${JSON.stringify(req.params.id)} not found`);
    res.json(item);
  });

  // Simulated slow work: lets a demo push p95 latency over a promotion gate, and tests hold a request in flight.
  router.get('/api/work', async (req, res) => {
    const query = workQuerySchema.safeParse(req.query);
    if (!query.success) throw new InputError(`ms must be an integer from 0 to ${MAX_WORK_MS}`);
    await new Promise((resolve) => setTimeout(resolve, query.data.ms));
    res.json({ workedMs: query.data.ms });
  });

  router.post('/api/items', express.json({ limit: BODY_LIMIT }), (req, res) => {
    const body = newItemSchema.safeParse(req.body);
    if (!body.success) throw new InputError('body must be {"name": string of 1 to 100 characters}');
    // Bounded so a client cannot grow memory without limit; the oldest item goes first.
    if (items.length >= MAX_ITEMS) items.shift();
    const item: Item = { id: nextId++, name: body.data.name, createdAt: new Date().toISOString() };
    items.push(item);
    res.status(201).location(`/api/items/${item.id}`).json(item);
  });

  return router;
}
