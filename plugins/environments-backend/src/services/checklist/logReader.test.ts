import { KubeHttpError } from '../cache/kubeHttp';
import { mostRecent, whyUnreadable } from './logReader';

describe('whyUnreadable', () => {
  const pod = 'orders-7d9f8b6c5-h2x9v';

  it('says in one sentence what the cluster answered, without the request line', () => {
    const error = new KubeHttpError(
      `GET /api/v1/namespaces/dev/pods/${pod}/log answered 400: no logs found for container "app" in pod "dev/${pod}"`,
      400,
      `no logs found for container "app" in pod "dev/${pod}"`,
    );
    const sentence = whyUnreadable(error, pod);
    expect(sentence).toBe(
      `the cluster keeps no readable logs for pod ${pod} (no logs found for container "app" in pod "dev/${pod}")`,
    );
    expect(sentence).not.toContain('/api/v1');
  });

  it('names a missing permission, a gone pod, a timeout and an unreachable server', () => {
    expect(whyUnreadable(new KubeHttpError('x', 403, 'forbidden'), pod)).toBe(
      "the portal's account may not read pod logs (pods/log) here",
    );
    expect(whyUnreadable(new KubeHttpError('x', 404, 'not found'), pod)).toBe(
      `pod ${pod} no longer exists`,
    );
    const timeout = new Error('The operation was aborted due to timeout');
    timeout.name = 'TimeoutError';
    expect(whyUnreadable(timeout, pod)).toBe(
      `the API server did not return the logs of pod ${pod} within 2 s`,
    );
    expect(
      whyUnreadable(
        new KubeHttpError(
          'GET /api/v1/namespaces/dev/pods/x/log: the API server is unreachable (ECONNREFUSED)',
        ),
        pod,
      ),
    ).toBe('the API server is unreachable (ECONNREFUSED)');
  });

  it('leaves out the address of the node the API server could not reach', () => {
    const sentence = whyUnreadable(
      new KubeHttpError(
        'x',
        500,
        'Get "https://10.0.0.7:10250/containerLogs/dev/p/app": dial tcp 10.0.0.7:10250: connect: connection refused',
      ),
      pod,
    );
    expect(sentence).not.toContain('10.0.0.7');
    expect(sentence).toContain('connection refused');
  });

  it('shortens a long message from the server', () => {
    const sentence = whyUnreadable(
      new KubeHttpError('x', 500, `${'a'.repeat(300)}\nsecond line`),
      pod,
    );
    expect(sentence.length).toBeLessThan(200);
    expect(sentence).not.toContain('second line');
  });
});

describe('mostRecent', () => {
  it('orders lines of several pods by their time, the most recent first', () => {
    const lines = [
      { pod: 'a', at: 1000 },
      { pod: 'a', at: 5000 },
      { pod: 'b', at: 3000 },
      { pod: 'c', at: 4000 },
    ];
    expect(mostRecent(lines, 3).map(l => l.at)).toEqual([5000, 4000, 3000]);
  });

  it('takes later lines as more recent when they carry no time', () => {
    const lines = [{ n: 1 }, { n: 2 }, { n: 3 }] as Array<{
      n: number;
      at?: number;
    }>;
    expect(mostRecent(lines, 2).map(l => l.n)).toEqual([3, 2]);
  });
});
