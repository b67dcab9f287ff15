import { KubeHttpError } from '../cache/kubeHttp';
import { isErrorLine, whyUnreadable } from './logReader';

describe('isErrorLine', () => {
  it.each([
    ['{"level":50,"msg":"boom"}', true],
    ['{"level":60,"msg":"fatal"}', true],
    ['{"level":40,"msg":"warn"}', false],
    ['{"level":"error","msg":"x"}', true],
    ['{"level":"info","msg":"user ERROR in message"}', false],
    ['2024-01-01 ERROR something', true],
    ['all good, no errors here', false],
  ])('%s → %s', (line, expected) => expect(isErrorLine(line)).toBe(expected));
});

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

  it('shortens a long message from the server', () => {
    const sentence = whyUnreadable(
      new KubeHttpError('x', 500, `${'a'.repeat(300)}\nsecond line`),
      pod,
    );
    expect(sentence.length).toBeLessThan(200);
    expect(sentence).not.toContain('second line');
  });
});
