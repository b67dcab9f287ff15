import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createRouter } from './router';

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
};

/** Every `METHOD /path` the router serves, in OpenAPI path syntax. */
function servedOperations(stack: Layer[]): string[] {
  return stack.flatMap(layer => {
    if (layer.route) {
      const openApiPath = layer.route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      return Object.keys(layer.route.methods).map(
        m => `${m.toUpperCase()} ${openApiPath}`,
      );
    }
    return layer.handle?.stack ? servedOperations(layer.handle.stack) : [];
  });
}

describe('openapi.yaml', () => {
  const spec = yaml.parse(
    fs.readFileSync(path.resolve(__dirname, 'schema/openapi.yaml'), 'utf8'),
  );
  const documented: string[] = Object.entries(spec.paths).flatMap(([p, ops]) =>
    Object.keys(ops as object).map(m => `${m.toUpperCase()} ${p}`),
  );

  it('documents exactly the routes the router serves', async () => {
    const router = await createRouter({
      logger: mockServices.logger.mock(),
      httpAuth: mockServices.httpAuth.mock(),
      status: {} as any,
      checklist: {} as any,
      metrics: {} as any,
      // Handlers are never called here; stand-ins mount the optional routes too.
      ...({ promotions: {}, fleet: {}, dora: {}, drift: {} } as any),
    });
    // GET /openapi.json is the spec itself, served by Backstage's validated router.
    const served = servedOperations((router as any).stack).filter(
      op => op !== 'GET /openapi.json',
    );
    expect(served.length).toBeGreaterThanOrEqual(4);
    expect([...new Set(served)].sort()).toEqual(
      [...new Set(documented)].sort(),
    );
  });

  it('declares every path parameter it uses', () => {
    for (const [p, ops] of Object.entries<any>(spec.paths)) {
      const names = [...p.matchAll(/\{(\w+)\}/g)].map(m => m[1]);
      for (const op of Object.values<any>(ops)) {
        const declared = (op.parameters ?? []).map((param: any) =>
          param.$ref
            ? spec.components.parameters[param.$ref.split('/').pop()].name
            : param.name,
        );
        for (const name of names) expect(declared).toContain(name);
      }
    }
  });

  it('has only the header parameters the published client sends under their names', () => {
    const headers = new Set<string>();
    for (const ops of Object.values<any>(spec.paths)) {
      for (const op of Object.values<any>(ops)) {
        for (const param of op.parameters ?? []) {
          if (param.in === 'header') headers.add(param.name);
        }
      }
    }
    // A new one needs its wire name in HEADER_PARAMETERS (environments-common, client.ts): the
    // generated client would send it under its camelCase name.
    expect([...headers]).toEqual(['Idempotency-Key']);
  });
});
