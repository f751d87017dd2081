import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const GUARD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'offline-guard.mjs',
);

/** Runs an ES module snippet in a child with the offline guard loaded. */
function underGuard(code: string): { code: number | null; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ['--import', GUARD, '--input-type=module', '-e', code],
    { encoding: 'utf8', timeout: 20_000 },
  );
  return { code: run.status, stderr: run.stderr };
}

// Each way a command could reach the network or a name server; a missed one
// would let `btcpay-keys audit` go online while its tests say it cannot.
const ATTEMPTS: Record<string, string> = {
  'dns.lookup': `import dns from 'node:dns'; dns.lookup('example.com', () => {});`,
  'dns.resolve4, imported by name': `import { resolve4 } from 'node:dns'; resolve4('example.com', () => {});`,
  'dns.resolveAny': `import dns from 'node:dns'; dns.resolveAny('example.com', () => {});`,
  'dns.reverse': `import dns from 'node:dns'; dns.reverse('192.0.2.1', () => {});`,
  'dns.lookupService': `import dns from 'node:dns'; dns.lookupService('127.0.0.1', 22, () => {});`,
  'dns/promises resolveTxt': `import dns from 'node:dns/promises'; await dns.resolveTxt('example.com');`,
  'dns.promises.lookup': `import dns from 'node:dns'; await dns.promises.lookup('example.com');`,
  'a dns.Resolver': `import dns from 'node:dns'; new dns.Resolver().resolve('example.com', () => {});`,
  'a promises Resolver': `import { Resolver } from 'node:dns/promises'; await new Resolver().resolveMx('example.com');`,
  'a TCP connection': `import net from 'node:net'; net.connect(9, '127.0.0.1');`,
  'an https request': `import https from 'node:https'; https.get('https://192.0.2.1/');`,
  fetch: `await fetch('http://192.0.2.1/');`,
  'a datagram': `import dgram from 'node:dgram'; dgram.createSocket('udp4').send('x', 9, '127.0.0.1');`,
};

describe('the offline guard the audit tests run under', () => {
  it.each(Object.entries(ATTEMPTS))(
    'stops the process on %s',
    (_what, code) => {
      const run = underGuard(`${code}\nconsole.log('reached the network');`);
      expect(run.stderr).toMatch(/OFFLINE-GUARD: blocked/);
      expect(run.code).toBe(99);
    },
  );

  it('lets a process that stays offline run to the end', () => {
    const run = underGuard(
      `import dns from 'node:dns'; dns.getServers(); process.exitCode = 0;`,
    );
    expect(run.stderr).not.toMatch(/blocked/);
    expect(run.stderr).toMatch(/OFFLINE-GUARD: local sockets \[\]/);
    expect(run.code).toBe(0);
  });
});
