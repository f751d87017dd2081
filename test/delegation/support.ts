import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A requesting app's loopback callback: records every form posted to it. */
export interface RequesterCallback {
  url: string;
  port: number;
  forms: URLSearchParams[];
  close(): Promise<void>;
}

/** Starts a requester callback on 127.0.0.1 that answers 200 to any POST. */
export async function startRequesterCallback(): Promise<RequesterCallback> {
  const forms: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      forms.push(new URLSearchParams(body));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/btcpay/callback`,
    port,
    forms,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
