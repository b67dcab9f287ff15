/*
 * The MCP endpoint as an agent meets it: the official MCP TypeScript SDK client against the running
 * backend (scripts/test.d/79-mcp.sh: the demo deployed on the local cluster, a static service token in
 * backend.auth.externalAccess). The agent lists the tools, reads status, promotes dev → staging (it
 * runs to success) and asks for prod, outside environments.promotion.servicePrincipalStages: refused,
 * with nothing changed in the cluster.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import {
  describeWithPortal,
  portalUnderTest,
} from './__testUtils__/portalUnderTest';

const ENTITY = 'component:default/express-service';
const ENTITY_PATH =
  '/api/environments/entities/component/default/express-service';

type ToolResult = {
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
};

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    }
    await sleep(1000);
  }
}

const textOf = (result: ToolResult) =>
  (result.content ?? []).map(part => part.text ?? '').join('\n');
/** A tool's output: its structured content, else the JSON text it also carries. */
const outputOf = <T>(result: ToolResult): T =>
  (result.structuredContent ?? JSON.parse(textOf(result))) as T;

describeWithPortal(
  'the MCP actions endpoint with the official SDK client',
  () => {
    jest.setTimeout(300_000);
    const portal = portalUnderTest();
    const client = new Client({
      name: 'envportal-e2e-agent',
      version: '1.0.0',
    });

    /** The image a stage runs, as the portal reads it from whichever cluster the stage is in. */
    const imageIn = async (stage: string): Promise<string | undefined> => {
      const res = await request(portal.baseUrl)
        .get(`${ENTITY_PATH}/status`)
        .set('Authorization', portal.guest);
      const stages = res.body.stages as Array<{
        stage: string;
        workload?: { image: string };
      }>;
      return stages.find(s => s.stage === stage)?.workload?.image;
    };

    const call = async (
      suffix: string,
      args: Record<string, unknown>,
    ): Promise<ToolResult> => {
      const { tools } = await client.listTools();
      const tool = tools.find(t => t.name.endsWith(suffix));
      if (!tool) throw new Error(`no tool named *${suffix}`);
      try {
        return (await client.callTool({
          name: tool.name,
          arguments: args,
        })) as ToolResult;
      } catch (error) {
        // The SDK turns a JSON-RPC error into an exception; the agent sees it as a failed call.
        return {
          isError: true,
          content: [{ type: 'text', text: String(error) }],
        };
      }
    };

    beforeAll(async () => {
      await client.connect(
        new StreamableHTTPClientTransport(
          new URL(`${portal.baseUrl}/api/mcp-actions/v1`),
          {
            requestInit: {
              headers: { Authorization: `Bearer ${portal.serviceToken}` },
            },
          },
        ),
      );
    });

    afterAll(async () => {
      await client.close();
    });

    it('lists the environments tools', async () => {
      const { tools } = await client.listTools();
      const names = tools.map(t => t.name);
      expect(names).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/get-environment-status$/),
          expect.stringMatching(/promote-entity$/),
          expect.stringMatching(/decide-promotion$/),
        ]),
      );
    });

    it('reads every stage of the reference service', async () => {
      const result = await call('get-environment-status', {
        entityRef: ENTITY,
      });
      expect(result.isError).toBeFalsy();
      const status = outputOf<{
        stages: Array<{ stage: string; version?: string }>;
      }>(result);
      expect(
        Object.fromEntries(status.stages.map(s => [s.stage, s.version])),
      ).toEqual({ dev: '1.2.0', staging: '1.1.0', prod: '1.0.0' });
    });

    it('promotes dev to staging, and the promotion runs to success', async () => {
      // The metric gates need enough of dev's traffic in their window: wait until the preview passes.
      await until('the dev → staging gates to pass', 180_000, async () => {
        const preview = await request(portal.baseUrl)
          .post(`${ENTITY_PATH}/promotions/preview`)
          .set('Authorization', portal.guest)
          .send({ from: 'dev', to: 'staging' });
        return preview.body.gatesPassed === true ? true : undefined;
      });

      const result = await call('promote-entity', {
        entityRef: ENTITY,
        from: 'dev',
        to: 'staging',
        idempotencyKey: `mcp-e2e-${process.pid}`,
      });
      expect(result.isError).toBeFalsy();
      const promotion = outputOf<{ id: string; created: boolean }>(result);
      expect(promotion.created).toBe(true);

      const final = await until('the promotion to end', 240_000, async () => {
        const res = await request(portal.baseUrl)
          .get(`/api/environments/promotions/${promotion.id}`)
          .set('Authorization', portal.guest);
        return ['succeeded', 'failed', 'rolled-back'].includes(res.body.state)
          ? res.body
          : undefined;
      });
      expect(final.state).toBe('succeeded');
      expect(final.requestedBy).toMatch(/^service:/);
      await until('staging to show 1.2.0', 30_000, async () =>
        (await imageIn('staging'))?.endsWith(':1.2.0') ? true : undefined,
      );
    });

    it('asks for prod as a service principal: refused, and prod is unchanged', async () => {
      const before = await imageIn('prod');
      expect(before).toMatch(/:1\.0\.0$/);
      const result = await call('promote-entity', {
        entityRef: ENTITY,
        from: 'staging',
        to: 'prod',
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/not allowed|may not|NotAllowed/i);
      expect(await imageIn('prod')).toBe(before);
    });
  },
  { serviceToken: true },
);
