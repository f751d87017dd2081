import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGreenfieldClient } from '../../src/greenfield';
import { expectKind, failureOf } from './support/expect-failure';
import {
  answerJson,
  certificateFactory,
  closedPort,
  startLocalServer,
  type CertificateFactory,
  type LocalServer,
} from './support/local-server';

// Failures below HTTP: certificates, deadlines, cancelled requests and
// sockets that refuse or drop, each produced by a real local socket.

const servers: LocalServer[] = [];
const agents: Agent[] = [];

async function serve(
  ...args: Parameters<typeof startLocalServer>
): Promise<LocalServer> {
  const server = await startLocalServer(...args);
  servers.push(server);
  return server;
}

function trusting(cert: string): Agent {
  const agent = new Agent({ connect: { ca: cert } });
  agents.push(agent);
  return agent;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
});

describe('TLS failures', () => {
  let certificates: CertificateFactory;
  beforeAll(() => {
    certificates = certificateFactory();
  });
  afterAll(() => certificates.dispose());

  const answerHealthy: Parameters<typeof startLocalServer>[0] = (
    _request,
    response,
  ) => answerJson(response, 200, { synchronized: true });

  it('connects over https when the certificate is trusted', async () => {
    const certificate = certificates.make({ hosts: ['127.0.0.1'] });
    const server = await serve(answerHealthy, certificate);
    const client = createGreenfieldClient({
      baseUrl: server.url,
      dispatcher: trusting(certificate.cert),
    });
    await expect(client.health()).resolves.toEqual({ synchronized: true });
  });

  it('says the certificate is self-signed and sends nothing', async () => {
    const certificate = certificates.make({ hosts: ['127.0.0.1'] });
    const server = await serve(answerHealthy, certificate);
    const client = createGreenfieldClient({ baseUrl: server.url });
    const error = await failureOf(
      client.serverInfo({ kind: 'token', apiKey: 'a'.repeat(40) }),
    );
    expectKind(error, 'tls');
    expect(error.tlsProblem).toBe('self-signed');
    expect(error.status).toBeNull();
    expect(server.requests).toHaveLength(0);
  });

  it('says the certificate was issued for another address', async () => {
    const certificate = certificates.make({ hosts: ['pay.example.com'] });
    const server = await serve(answerHealthy, certificate);
    const client = createGreenfieldClient({
      baseUrl: server.url,
      dispatcher: trusting(certificate.cert),
    });
    const error = await failureOf(client.health());
    expectKind(error, 'tls');
    expect(error.tlsProblem).toBe('wrong-host');
  });

  it('says the certificate has expired', async () => {
    const certificate = certificates.make({
      hosts: ['127.0.0.1'],
      startDate: '20200101000000Z',
      endDate: '20200102000000Z',
    });
    const server = await serve(answerHealthy, certificate);
    const client = createGreenfieldClient({
      baseUrl: server.url,
      dispatcher: trusting(certificate.cert),
    });
    const error = await failureOf(client.health());
    expectKind(error, 'tls');
    expect(error.tlsProblem).toBe('expired');
    expect(error.nextStep).toMatch(/clock/);
  });

  it('says the port does not speak https when it is plain http', async () => {
    const server = await serve(answerHealthy);
    const client = createGreenfieldClient({
      baseUrl: server.url.replace('http:', 'https:'),
    });
    const error = await failureOf(client.health());
    expectKind(error, 'tls');
    expect(error.tlsProblem).toBe('not-tls');
  });
});

describe('deadlines and cancelling', () => {
  const neverAnswer: Parameters<typeof startLocalServer>[0] = () => undefined;

  it('gives up after the client deadline and says the server did not answer', async () => {
    const server = await serve(neverAnswer);
    const client = createGreenfieldClient({
      baseUrl: server.url,
      timeoutMs: 200,
    });
    const error = await failureOf(client.health());
    expectKind(error, 'timeout');
    expect(error.message).toContain('0.2 seconds');
  });

  it('lets one call set its own deadline', async () => {
    const server = await serve(neverAnswer);
    const client = createGreenfieldClient({ baseUrl: server.url });
    const error = await failureOf(client.health({ timeoutMs: 150 }));
    expectKind(error, 'timeout');
  });

  it('stops waiting when the caller cancels, and says it was cancelled', async () => {
    const cancel = new AbortController();
    const server = await serve(() => cancel.abort());
    const client = createGreenfieldClient({ baseUrl: server.url });
    const error = await failureOf(client.health({ signal: cancel.signal }));
    expectKind(error, 'aborted');
    expect(server.requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already cancelled', async () => {
    const server = await serve(neverAnswer);
    const client = createGreenfieldClient({ baseUrl: server.url });
    const error = await failureOf(
      client.createApiKey(
        { kind: 'basic', email: 'merchant@example.com', password: 'pw' },
        { label: 'x' },
        { signal: AbortSignal.abort() },
      ),
    );
    expectKind(error, 'aborted');
    expect(server.requests).toHaveLength(0);
  });
});

describe('network failures', () => {
  it('says nothing answers when the connection is refused', async () => {
    const port = await closedPort();
    const client = createGreenfieldClient({
      baseUrl: `http://127.0.0.1:${port}/`,
    });
    const error = await failureOf(client.health());
    expectKind(error, 'network');
    expect(error.causeCode).toBe('ECONNREFUSED');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('says the connection was cut when the server drops it', async () => {
    const server = await serve((_request, _response, socket) =>
      socket.destroy(),
    );
    const client = createGreenfieldClient({ baseUrl: server.url });
    const error = await failureOf(client.health());
    expectKind(error, 'network');
    expect(error.message).toMatch(/cut off|closed/);
  });

  it('says the name could not be found when DNS has no answer', async () => {
    // The resolver is the only stand-in here: no test may query real DNS.
    const agent = new Agent({
      connect: {
        lookup: (hostname, _options, callback) =>
          callback(
            Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
              code: 'ENOTFOUND',
            }),
            '',
            4,
          ),
      },
    });
    agents.push(agent);
    const client = createGreenfieldClient({
      baseUrl: 'http://btcpay.invalid/',
      dispatcher: agent,
    });
    const error = await failureOf(client.health());
    expectKind(error, 'network');
    expect(error.causeCode).toBe('ENOTFOUND');
    expect(error.message).toContain('btcpay.invalid');
  });
});
