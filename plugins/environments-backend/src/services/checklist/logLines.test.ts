import {
  isErrorLine,
  lineTime,
  readLogLine,
  redactLogText,
  summarizeErrorLine as summarize,
} from './logLines';

const summarizeErrorLine = (raw: string, pod: string) =>
  summarize(readLogLine(raw), pod);

describe('isErrorLine', () => {
  it.each([
    ['{"level":50,"msg":"boom"}', true],
    ['{"level":60,"msg":"fatal"}', true],
    ['{"level":40,"msg":"warn"}', false],
    ['{"level":"error","msg":"x"}', true],
    ['{"level":"info","msg":"user ERROR in message"}', false],
    ['2024-01-01 ERROR something', true],
    ['all good, no errors here', false],
    ['["ERROR"]', true],
    ['{"level":50', false],
  ])('%s → %s', (line, expected) =>
    expect(isErrorLine(readLogLine(line))).toBe(expected),
  );
});

describe('lineTime', () => {
  it.each([
    ['{"time":1764478862345,"msg":"x"}', Date.UTC(2025, 10, 30, 5, 1, 2, 345)],
    ['{"time":"2026-11-30T05:01:02Z"}', Date.UTC(2026, 10, 30, 5, 1, 2)],
    ['{"time":"yesterday"}', undefined],
    ['{"msg":"no time"}', undefined],
    ['2026-11-30T05:01:02Z ERROR text lines carry no parsed time', undefined],
  ])('%s → %s', (line, expected) =>
    expect(lineTime(readLogLine(line))).toBe(expected),
  );
});

describe('summarizeErrorLine', () => {
  it('keeps time, pod, message, status and error type of a pino line, and no other field', () => {
    const line = JSON.stringify({
      level: 50,
      time: Date.UTC(2026, 10, 30, 5, 1, 2, 345),
      msg: 'request failed',
      status: 500,
      err: {
        type: 'TypeError',
        message: 'x is undefined',
        stack: 'at handler',
      },
      req: { headers: { cookie: 'session=abc' }, body: { card: '4111' } },
      user: 'jane',
    });
    const summary = summarizeErrorLine(line, 'orders-1');
    expect(summary).toBe(
      '2026-11-30T05:01:02Z orders-1: request failed (status 500, TypeError)',
    );
    for (const leaked of ['session', '4111', 'jane', 'stack', 'undefined'])
      expect(summary).not.toContain(leaked);
  });

  it('clips a text line and masks credentials, people and addresses in it', () => {
    const summary = summarizeErrorLine(
      `ERROR login failed for jane@example.com from 10.1.2.3:5432 with Authorization: Bearer abc.def password=hunter2 ${'x'.repeat(
        300,
      )}`,
      'orders-1',
    );
    expect(summary).toMatch(/^orders-1: ERROR login failed for \[hidden\]/);
    for (const leaked of ['jane', '10.1.2.3', 'abc.def', 'hunter2'])
      expect(summary).not.toContain(leaked);
    expect(summary.length).toBeLessThanOrEqual(200);
  });

  it('masks before it clips, so a secret cut at the edge is still hidden', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const line = JSON.stringify({
      level: 50,
      msg: `${'x'.repeat(150)} ${token}`,
    });
    const summary = summarizeErrorLine(line, 'orders-1');
    expect(summary).not.toContain('eyJ');
  });
});

describe('redactLogText', () => {
  it.each([
    ['DB_PASSWORD=hunter2 rest', 'hunter2'],
    ['client_secret=abc123 rest', 'abc123'],
    ['access_token: xyz789', 'xyz789'],
    ['{"db_password":"p@ss word"}', 'p@ss'],
    ['Authorization: Token abc123', 'abc123'],
    ['Authorization: Digest username="u", response="r1"', 'r1'],
    ['password hunter2', 'hunter2'],
    ['cookie: sid=s1; csrf=c1', 's1'],
    ['user jane.doe@example.co.uk failed', 'jane.doe'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0', 'eyJzdWIi'],
  ])('%s hides %s', (text, secret) =>
    expect(redactLogText(text)).not.toContain(secret),
  );

  it.each([
    ['token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig', 'token: [hidden]'],
    ['api_key="s3cr3t value" next', 'api_key=[hidden] next'],
    ['key ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd', 'key [hidden]'],
    ['GET https://db.internal:5432/x failed', 'GET [address] failed'],
    [
      'pod orders-7d9f8b6c5-h2x9v restarted',
      'pod orders-7d9f8b6c5-h2x9v restarted',
    ],
  ])('%s → %s', (text, expected) =>
    expect(redactLogText(text)).toContain(expected),
  );
});
