import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import {
  startCallbackReceiver,
  type CallbackReceiver,
  type CallbackReceiverOptions,
} from '../../src/authorize/receiver';
import { callbackForm, FORM_TYPE, sendRaw } from './http-client';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const USER = '0f6c5b1e-3a57-4b7e-9f0e-2a8d1c4b6e90';

const running: CallbackReceiver[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((receiver) => receiver.close()));
});

async function receiver(
  options: CallbackReceiverOptions = {},
): Promise<CallbackReceiver> {
  const started = await startCallbackReceiver({
    timeoutMs: 20_000,
    ...options,
  });
  running.push(started);
  return started;
}

function validCallback(
  redirectUrl: string,
  permissions = ['btcpay.store.canviewinvoices:S1'],
) {
  return sendRaw({
    url: redirectUrl,
    headers: FORM_TYPE,
    body: callbackForm({ apiKey: KEY, userId: USER, permissions }),
  });
}

/** After a refusal the receiver must still take the real callback. */
async function expectStillWaiting(started: CallbackReceiver): Promise<void> {
  const answer = await validCallback(started.redirectUrl);
  expect(answer.status).toBe(200);
  await expect(started.result).resolves.toMatchObject({
    outcome: 'received',
    apiKey: KEY,
  });
}

describe('startCallbackReceiver', () => {
  it('listens on the IPv4 loopback address with a long random path', async () => {
    const started = await receiver();
    const redirect = new URL(started.redirectUrl);

    expect(started.host).toBe('127.0.0.1');
    expect(redirect.host).toBe(`127.0.0.1:${started.port}`);
    const token = redirect.pathname.replace('/callback/', '');
    // base64url of at least 16 random bytes is at least 22 characters.
    expect(token.length).toBeGreaterThanOrEqual(22);
    const other = await receiver();
    expect(other.redirectUrl).not.toBe(started.redirectUrl);
  });

  it('delivers the key, the user and every permission BTCPay posted', async () => {
    const started = await receiver();
    const answer = await validCallback(started.redirectUrl, [
      'btcpay.store.canviewinvoices:S1',
      'btcpay.store.cancreateinvoice:S1',
    ]);

    expect(answer.status).toBe(200);
    expect(await started.result).toEqual({
      outcome: 'received',
      apiKey: KEY,
      userId: USER,
      permissions: [
        'btcpay.store.canviewinvoices:S1',
        'btcpay.store.cancreateinvoice:S1',
      ],
    });
  });

  it('reads a key without permissions as an empty list', async () => {
    const started = await receiver();
    await sendRaw({
      url: started.redirectUrl,
      headers: FORM_TYPE,
      body: callbackForm({ apiKey: KEY, userId: USER }),
    });

    expect(await started.result).toMatchObject({ permissions: [] });
  });

  it('answers with a static page that loads nothing and is not cached', async () => {
    const started = await receiver();
    const answer = await sendRaw({
      url: started.redirectUrl,
      headers: FORM_TYPE,
      body: callbackForm({ apiKey: KEY, userId: '<script>alert(1)</script>' }),
    });

    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    expect(answer.headers['content-security-policy']).toBe(
      "default-src 'none'",
    );
    expect(answer.body).toContain('You can close this tab');
    expect(answer.body).not.toContain('<script');
    expect(answer.body).not.toContain(KEY);
  });

  it('refuses a wrong token and keeps waiting', async () => {
    const started = await receiver();
    const redirect = new URL(started.redirectUrl);
    const wrong = `${redirect.origin}/callback/${'A'.repeat(43)}`;
    const answer = await sendRaw({
      url: wrong,
      headers: FORM_TYPE,
      body: callbackForm({ apiKey: 'f'.repeat(40) }),
    });

    expect(answer.status).toBe(404);
    await expectStillWaiting(started);
  });

  it('refuses the callback path with anything appended and keeps waiting', async () => {
    const started = await receiver();
    for (const url of [
      `${started.redirectUrl}x`,
      `${started.redirectUrl}/`,
      `${started.redirectUrl}?state=1`,
    ]) {
      const answer = await sendRaw({
        url,
        headers: FORM_TYPE,
        body: callbackForm({ apiKey: 'f'.repeat(40) }),
      });
      expect(answer.status).toBe(404);
    }
    await expectStillWaiting(started);
  });

  it('refuses a request under another Host and keeps waiting', async () => {
    const started = await receiver();
    for (const host of [
      `localhost:${started.port}`,
      `attacker.example:${started.port}`,
      '127.0.0.1',
    ]) {
      const answer = await sendRaw({
        url: started.redirectUrl,
        headers: { ...FORM_TYPE, Host: host },
        body: callbackForm({ apiKey: 'f'.repeat(40) }),
      });
      expect(answer.status).toBe(421);
    }
    await expectStillWaiting(started);
  });

  it('refuses a GET on the callback path and keeps waiting', async () => {
    const started = await receiver();
    const answer = await sendRaw({ url: started.redirectUrl, method: 'GET' });

    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('POST');
    await expectStillWaiting(started);
  });

  it('refuses a JSON body and keeps waiting', async () => {
    const started = await receiver();
    const answer = await sendRaw({
      url: started.redirectUrl,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: 'f'.repeat(40), userId: USER }),
    });

    expect(answer.status).toBe(415);
    await expectStillWaiting(started);
  });

  it('refuses an oversized body and keeps waiting', async () => {
    const started = await receiver({ maxBodyBytes: 1024 });
    const answer = await sendRaw({
      url: started.redirectUrl,
      headers: FORM_TYPE,
      body: callbackForm({ apiKey: 'f'.repeat(40), userId: 'u'.repeat(4096) }),
    });

    expect(answer.status).toBe(413);
    await expectStillWaiting(started);
  });

  it('refuses an oversized body sent without a length and keeps waiting', async () => {
    const started = await receiver({ maxBodyBytes: 1024 });
    const answer = await sendRaw({
      url: started.redirectUrl,
      headers: { ...FORM_TYPE, 'Transfer-Encoding': 'chunked' },
      body: callbackForm({ apiKey: 'f'.repeat(40), userId: 'u'.repeat(4096) }),
    });

    expect(answer.status).toBe(413);
    await expectStillWaiting(started);
  });

  it('refuses a body that trickles in too slowly and keeps waiting', async () => {
    const started = await receiver({ bodyTimeoutMs: 200 });
    const answer = await sendRaw({
      url: started.redirectUrl,
      headers: FORM_TYPE,
      body: callbackForm({ apiKey: 'f'.repeat(40), userId: USER }),
      pauseMidBodyMs: 2_000,
    });

    expect(answer.status).toBe(408);
    await expectStillWaiting(started);
  });

  it('drops a client that never finishes its headers and keeps waiting', async () => {
    const started = await receiver({ headersTimeoutMs: 200 });
    const socket = connect(started.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    const closed = new Promise<void>((resolve) =>
      socket.on('close', () => resolve()),
    );
    socket.write(
      `POST ${new URL(started.redirectUrl).pathname} HTTP/1.1\r\n` +
        `Host: 127.0.0.1:${started.port}\r\n`,
    );

    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    await expectStillWaiting(started);
  });

  it('answers the browser favicon request with a plain 404 and keeps waiting', async () => {
    const started = await receiver();
    const answer = await sendRaw({
      url: new URL('/favicon.ico', started.redirectUrl).toString(),
      method: 'GET',
      headers: { Referer: started.redirectUrl },
    });

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    await expectStillWaiting(started);
  });

  it('refuses a form without a key and keeps waiting', async () => {
    const started = await receiver();
    const answer = await sendRaw({
      url: started.redirectUrl,
      headers: FORM_TYPE,
      body: callbackForm({ userId: USER }),
    });

    expect(answer.status).toBe(400);
    await expectStillWaiting(started);
  });

  it('refuses a post from a foreign web page and keeps waiting', async () => {
    const started = await receiver({
      expectedOrigin: 'https://btcpay.example',
    });
    const answer = await sendRaw({
      url: started.redirectUrl,
      headers: { ...FORM_TYPE, Origin: 'https://attacker.example' },
      body: callbackForm({ apiKey: 'f'.repeat(40) }),
    });

    expect(answer.status).toBe(403);
    const fromBtcpay = await sendRaw({
      url: started.redirectUrl,
      headers: { ...FORM_TYPE, Origin: 'https://btcpay.example' },
      body: callbackForm({ apiKey: KEY, userId: USER }),
    });
    expect(fromBtcpay.status).toBe(200);
    await expect(started.result).resolves.toMatchObject({ apiKey: KEY });
  });

  it('refuses a key its checker rejects and keeps waiting for one it accepts', async () => {
    const checked: string[] = [];
    const started = await receiver({
      acceptCallback: async (callback) => {
        checked.push(callback.apiKey);
        return callback.apiKey === KEY;
      },
    });
    const forged = await sendRaw({
      url: started.redirectUrl,
      headers: FORM_TYPE,
      body: callbackForm({ apiKey: 'f'.repeat(40), userId: USER }),
    });

    expect(forged.status).toBe(403);
    expect(forged.body).not.toContain('f'.repeat(40));
    await expectStillWaiting(started);
    expect(checked).toEqual(['f'.repeat(40), KEY]);
  });

  it('settles once on the first valid callback and then stops listening', async () => {
    const started = await receiver();
    await validCallback(started.redirectUrl);
    const first = await started.result;

    const second = sendRaw({
      url: started.redirectUrl,
      headers: FORM_TYPE,
      body: callbackForm({ apiKey: 'f'.repeat(40), userId: USER }),
    });
    await expect(second).rejects.toThrow(
      /ECONNREFUSED|ECONNRESET|socket hang up/,
    );
    expect(first).toMatchObject({ outcome: 'received', apiKey: KEY });
    expect(await started.result).toBe(first);
  });

  it('closes promptly even while a client stalls mid-request', async () => {
    // Longer than the test may run: only cutting the socket ends it in time.
    const started = await receiver({ headersTimeoutMs: 60_000 });
    const socket = connect(started.port, '127.0.0.1');
    const dropped = new Promise<void>((resolve) =>
      socket.on('close', () => resolve()),
    );
    socket.on('error', () => undefined);
    socket.write(`POST ${new URL(started.redirectUrl).pathname} HTTP/1.1\r\n`);

    await started.close();
    await dropped;
    expect(await started.result).toEqual({ outcome: 'cancelled' });
  });

  it('times out, closes the port and reports the timeout', async () => {
    const started = await receiver({ timeoutMs: 100 });

    expect(await started.result).toEqual({ outcome: 'timeout' });
    await expect(validCallback(started.redirectUrl)).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });

  it('is cancelled by cancel() and by an aborted signal', async () => {
    const byCall = await receiver();
    byCall.cancel();
    expect(await byCall.result).toEqual({ outcome: 'cancelled' });
    await expect(validCallback(byCall.redirectUrl)).rejects.toThrow(
      /ECONNREFUSED/,
    );

    const controller = new AbortController();
    const bySignal = await receiver({ signal: controller.signal });
    controller.abort();
    expect(await bySignal.result).toEqual({ outcome: 'cancelled' });
  });

  it('never writes the key or the form body to its log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    const started = await receiver({ logger });
    await sendRaw({
      url: started.redirectUrl,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: 'e'.repeat(40) }),
    });
    await validCallback(started.redirectUrl);
    await started.result;

    const log = lines.join('');
    expect(log).toContain('wrong-content-type');
    expect(log).not.toContain(KEY);
    expect(log).not.toContain('e'.repeat(40));
    expect(log).not.toContain(new URL(started.redirectUrl).pathname);
  });
});
