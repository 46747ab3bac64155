import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { App } from '../../bot/app';
import { MAX_BODY_BYTES } from '../../bot/server';
import { personalMessage, postActivity } from '../support/activities';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { DEMO_TENANT, DEMO_USERS, startTestApp } from '../support/test-app';

/** A raw HTTP request, so tests control Content-Length, chunking and encodings exactly. */
function rawRequest(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    chunks?: Buffer[];
  },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: opts.method ?? 'POST', headers: opts.headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else {
      req.end(opts.body);
    }
  });
}

function expectSecurityHeaders(headers: Headers | http.IncomingHttpHeaders): void {
  const get = (n: string): string | undefined =>
    headers instanceof Headers ? (headers.get(n) ?? undefined) : (headers[n] as string | undefined);
  expect(get('x-content-type-options')).toBe('nosniff');
  expect(get('cache-control')).toBe('no-store');
  expect(get('content-security-policy')).toContain("default-src 'none'");
  expect(get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(get('referrer-policy')).toBe('no-referrer');
  expect(get('x-frame-options')).toBe('DENY');
  expect(get('server')).toBeUndefined();
  expect(get('x-powered-by')).toBeUndefined();
}

describe('the HTTP edge: headers and body limits', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
    await connector.stop();
  });
  beforeEach(() => connector.reset());

  const message = (text: string) =>
    personalMessage({
      serviceUrl: connector.url,
      tenantId: DEMO_TENANT,
      from: DEMO_USERS.anna,
      text,
    });

  it('when any endpoint answers, then it carries the security headers and no server banner', async () => {
    for (const path of ['/healthz', '/readyz', '/nothing-here']) {
      const res = await fetch(`${app.url}${path}`);
      expectSecurityHeaders(res.headers);
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    const posted = await postActivity(`${app.url}/api/messages`, message('hjälp'));
    expect(posted.status).toBe(200);
    expectSecurityHeaders(posted.headers);
    const refused = await postActivity(`${app.url}/api/messages`, { type: 42 } as never);
    expect(refused.status).toBe(400);
    expectSecurityHeaders(refused.headers);
  });

  it('when the request came through https (X-Forwarded-Proto), then Strict-Transport-Security is sent', async () => {
    const res = await fetch(`${app.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.get('strict-transport-security')).toMatch(
      /^max-age=\d{7,}; includeSubDomains$/,
    );
    const plain = await fetch(`${app.url}/healthz`, { headers: { 'x-forwarded-proto': 'http' } });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('when a body declares more than 256 KB, then the answer is 413 and the bot stays healthy', async () => {
    const body = JSON.stringify(message('x'.repeat(MAX_BODY_BYTES + 10)));
    const res = await rawRequest(`${app.url}/api/messages`, {
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    expect(res.status).toBe(413);
    expectSecurityHeaders(res.headers);
    expect(connector.calls).toHaveLength(0);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('when a chunked body without Content-Length grows past 256 KB, then the answer is 413, never 500', async () => {
    const json = Buffer.from(JSON.stringify(message('y'.repeat(MAX_BODY_BYTES + 1024))));
    const chunks: Buffer[] = [];
    for (let i = 0; i < json.length; i += 16 * 1024) chunks.push(json.subarray(i, i + 16 * 1024));
    const res = await rawRequest(`${app.url}/api/messages`, {
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks,
    });
    expect(res.status).toBe(413);
    expect(connector.calls).toHaveLength(0);
  });

  it('when a body is just under the limit, then the activity is handled normally', async () => {
    const activity = message('z'.repeat(MAX_BODY_BYTES - 4096));
    const res = await postActivity(`${app.url}/api/messages`, activity);
    expect(res.status).toBe(200);
    const reply = await connector.waitFor((c) => c.kind === 'reply' || c.kind === 'send');
    expect(reply.conversationId).toBe(activity.conversation.id);
  });

  it('when the JSON is broken, then the answer is 400', async () => {
    const res = await rawRequest(`${app.url}/api/messages`, {
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message", "text": ',
    });
    expect(res.status).toBe(400);
    expectSecurityHeaders(res.headers);
  });

  it('when the body is not JSON or is compressed, then the answer is 415', async () => {
    const form = await rawRequest(`${app.url}/api/messages`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'type=message&text=hej',
    });
    expect(form.status).toBe(415);
    const zipped = gzipSync(Buffer.from(JSON.stringify(message('hej'))));
    const gz = await rawRequest(`${app.url}/api/messages`, {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: zipped,
    });
    expect(gz.status).toBe(415);
    expect(connector.calls).toHaveLength(0);
  });

  it('when the JSON nests deeper than any activity does, then it is refused with 400', async () => {
    let value: unknown = 'bottom';
    for (let i = 0; i < 200; i++) value = { v: value };
    const res = await postActivity(`${app.url}/api/messages`, {
      ...message('hej'),
      value,
    } as never);
    expect(res.status).toBe(400);
    const depth = 5_000;
    const raw = `{"type":"message","value":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const deep = await rawRequest(`${app.url}/api/messages`, {
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect(deep.status).toBe(400);
    expect(connector.calls).toHaveLength(0);
  });
});
