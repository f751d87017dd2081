import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One form POST a browser delivered to the capture server. */
export interface CapturedPost {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP server that records the form POSTs BTCPay makes the browser send. */
export interface CallbackCapture {
  /** Base URL, e.g. http://127.0.0.1:PORT/ */
  url: string;
  posts: CapturedPost[];
  /** Resolves with the next POST (or one already received and not yet taken). */
  nextPost(): Promise<CapturedPost>;
  close(): Promise<void>;
}

/** Starts a capture server on 127.0.0.1, port 0. */
export async function startCallbackCapture(): Promise<CallbackCapture> {
  const posts: CapturedPost[] = [];
  let taken = 0;
  const waiters: ((post: CapturedPost) => void)[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST') {
        // The browser asks for /favicon.ico right after the POST: plain 404.
        response.writeHead(404).end();
        return;
      }
      const post = {
        url: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      posts.push(post);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        '<!DOCTYPE html><title>Done</title><p>You can close this tab.</p>',
      );
      const waiter = waiters.shift();
      if (waiter) {
        taken += 1;
        waiter(post);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    posts,
    nextPost: () =>
      new Promise((resolve) => {
        const pending = posts[taken];
        if (pending) {
          taken += 1;
          resolve(pending);
        } else {
          waiters.push(resolve);
        }
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
