import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findListeningProcess } from '../../src/delegation/listener-process';

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

describe('findListeningProcess', () => {
  it.runIf(process.platform === 'linux')(
    'names the process that listens on a loopback port',
    async () => {
      server = createServer();
      await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const found = await findListeningProcess(port);
      expect(found?.pid).toBe(process.pid);
      expect(found?.name).toMatch(/node/);
    },
  );

  it('answers null when nothing listens', async () => {
    server = createServer();
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise((r) => server?.close(r));
    server = null;
    expect(await findListeningProcess(port)).toBeNull();
  });
});
