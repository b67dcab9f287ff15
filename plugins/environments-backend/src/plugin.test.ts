import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { environmentsPlugin } from './plugin';

describe('environmentsPlugin', () => {
  it('serves /health without credentials', async () => {
    const { server } = await startTestBackend({
      features: [
        environmentsPlugin,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    const response = await request(server)
      .get('/api/environments/health')
      .set('Authorization', ''); // no token at all
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('answers 404 for routes it does not have', async () => {
    const { server } = await startTestBackend({
      features: [environmentsPlugin],
    });
    const response = await request(server).get('/api/environments/nope');
    expect(response.status).toBe(404);
  });
});
