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

  it("runs the takeover of stopped replicas' promotions on every replica", async () => {
    // A global task's lock, held by a replica killed during a pass, would block the takeover on every
    // replica until the task's timeout and the scheduler's janitor freed it: minutes, when a
    // takeover is needed most.
    const scheduler = mockServices.scheduler.mock();
    await startTestBackend({
      features: [environmentsPlugin, scheduler.factory],
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'environments-promotion-takeover',
        scope: 'local',
      }),
    );
  });

  it('answers 404 for routes it does not have', async () => {
    const { server } = await startTestBackend({
      features: [environmentsPlugin],
    });
    const response = await request(server).get('/api/environments/nope');
    expect(response.status).toBe(404);
  });
});
