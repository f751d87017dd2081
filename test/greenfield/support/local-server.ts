import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Real local servers for what the BTCPay sandbox cannot stand in for: broken
 * certificates, sockets that hang or drop, and answers no BTCPay would give.
 */

/** A request as the local server received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A running local server. */
export interface LocalServer {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

type Handler = (
  request: ReceivedRequest,
  response: http.ServerResponse,
  socket: import('node:net').Socket,
) => void;

/** Starts an http (or, with a certificate, https) server on 127.0.0.1:0. */
export async function startLocalServer(
  handler: Handler,
  certificate?: Certificate,
): Promise<LocalServer> {
  const requests: ReceivedRequest[] = [];
  const listener: http.RequestListener = (incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const received: ReceivedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      handler(received, response, incoming.socket);
    });
  };
  const server = certificate
    ? https.createServer(certificate, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = certificate ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}/`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON answer. */
export function answerJson(
  response: http.ServerResponse,
  status: number,
  body: unknown,
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** A port on 127.0.0.1 where nothing listens (it was just released). */
export async function closedPort(): Promise<number> {
  const server = await startLocalServer(() => undefined);
  await server.close();
  return server.port;
}

/** A PEM key and certificate, as `https.createServer` takes them. */
export interface Certificate {
  key: string;
  cert: string;
}

/** Where test certificates are made; remove it with `dispose`. */
export interface CertificateFactory {
  make(options: {
    hosts: string[];
    startDate?: string;
    endDate?: string;
  }): Certificate;
  dispose(): void;
}

/** Makes self-signed certificates with the system's openssl. */
export function certificateFactory(): CertificateFactory {
  const dir = mkdtempSync(path.join(tmpdir(), 'gf-tls-'));
  let count = 0;
  return {
    make({ hosts, startDate, endDate }) {
      count += 1;
      const base = path.join(dir, `c${count}`);
      const san = hosts
        .map((host) => (/^[\d.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`))
        .join(',');
      execFileSync(
        'openssl',
        [
          ...['req', '-new', '-newkey', 'rsa:2048', '-nodes'],
          ...['-keyout', `${base}.key`, '-out', `${base}.csr`],
          ...['-subj', `/CN=${hosts[0] ?? 'localhost'}`],
          ...['-addext', `subjectAltName=${san}`],
        ],
        { stdio: 'ignore' },
      );
      writeFileSync(`${base}.index`, '');
      writeFileSync(`${base}.serial`, '01\n');
      writeFileSync(`${base}.cnf`, caConfig(dir, base));
      execFileSync(
        'openssl',
        [
          ...['ca', '-batch', '-config', `${base}.cnf`, '-selfsign'],
          ...['-keyfile', `${base}.key`, '-in', `${base}.csr`],
          ...['-startdate', startDate ?? yesterday()],
          ...['-enddate', endDate ?? '20991231000000Z'],
          ...['-out', `${base}.pem`],
        ],
        { stdio: 'ignore' },
      );
      return {
        key: readFileSync(`${base}.key`, 'utf8'),
        cert: readFileSync(`${base}.pem`, 'utf8'),
      };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function caConfig(dir: string, base: string): string {
  return [
    '[ ca ]',
    'default_ca = local',
    '[ local ]',
    `database = ${base}.index`,
    `new_certs_dir = ${dir}`,
    `serial = ${base}.serial`,
    'default_md = sha256',
    'policy = any',
    'copy_extensions = copy',
    '[ any ]',
    'commonName = supplied',
    '',
  ].join('\n');
}

function yesterday(): string {
  const date = new Date(Date.now() - 24 * 3600 * 1000);
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}
