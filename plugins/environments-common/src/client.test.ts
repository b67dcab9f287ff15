import { EnvironmentsApiClient } from './client';

/** A test double of the network: records what the client sends and answers 201. */
function recordingFetch() {
  const sent: { url: string; headers: Record<string, string> }[] = [];
  const fetchApi = {
    fetch: (async (url: string, init?: RequestInit) => {
      sent.push({ url, headers: init?.headers as Record<string, string> });
      return new Response('{}', { status: 201 });
    }) as typeof fetch,
  };
  return { sent, fetchApi };
}

const discoveryApi = {
  getBaseUrl: async () => 'http://portal.test/api/environments',
};
const path = { kind: 'component', namespace: 'default', name: 'orders' };

describe('EnvironmentsApiClient', () => {
  it('sends a header parameter under its spec name, not the camelCase name of the request object', async () => {
    const { sent, fetchApi } = recordingFetch();
    const client = new EnvironmentsApiClient({ discoveryApi, fetchApi });

    await client.createRollback({
      path,
      body: { stage: 'prod' },
      header: { idempotencyKey: 'undo-0001' },
    });

    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe(
      'http://portal.test/api/environments/entities/component/default/orders/rollbacks',
    );
    expect(sent[0].headers).toEqual({
      'Idempotency-Key': 'undo-0001',
      'Content-Type': 'application/json',
    });
  });

  it('leaves out a header parameter that is not set, and passes the token', async () => {
    const { sent, fetchApi } = recordingFetch();
    const client = new EnvironmentsApiClient({ discoveryApi, fetchApi });

    await client.createPromotion(
      {
        path,
        body: { from: 'dev', to: 'staging' },
        header: { idempotencyKey: undefined },
      },
      { token: 'a-token' },
    );

    // strict: fetch would send an undefined value as the text "undefined"
    expect(sent[0].headers).toStrictEqual({
      'Content-Type': 'application/json',
      Authorization: 'Bearer a-token',
    });
  });
});
