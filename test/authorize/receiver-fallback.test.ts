import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_CALLBACK_TIMEOUT_MS,
  startCallbackReceiver,
  type CallbackResult,
} from '../../src/authorize/receiver';
import { PROJECT_ROOT } from '../cli/run-cli';

// The receiver's two defaults that ordinary runs never reach: the [::1]
// address where IPv4 loopback is missing, and the ten-minute wait.

const FIXTURE = path.join(
  PROJECT_ROOT,
  'test/authorize/fixtures/receiver-on-ipv6.ts',
);

// A private network namespace (unprivileged, via a user namespace) whose
// loopback has ::1 but no 127.0.0.1: a machine without IPv4 loopback.
const WITHOUT_IPV4 = [
  'ip link set lo up',
  'ip addr del 127.0.0.1/8 dev lo',
  `exec "${process.execPath}" --import tsx "${FIXTURE}"`,
].join(' && ');

function namespacesAvailable(): boolean {
  const probe = spawnSync('unshare', ['-rn', 'ip', 'link', 'set', 'lo', 'up']);
  return probe.status === 0;
}

const canIsolate = process.platform === 'linux' && namespacesAvailable();
if (!canIsolate) {
  console.warn(
    'Skipping the [::1] fallback test: it needs Linux with unprivileged ' +
      'user and network namespaces (unshare -rn) and iproute2.',
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe('startCallbackReceiver fallbacks', () => {
  it.skipIf(!canIsolate)(
    'listens on [::1] and takes the callback there when 127.0.0.1 is missing',
    () => {
      const run = spawnSync('unshare', ['-rn', 'sh', '-c', WITHOUT_IPV4], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const seen = JSON.parse(run.stdout.trim()) as {
        host: string;
        redirectUrl: string;
        status: number;
        result: CallbackResult;
      };

      expect(seen.host).toBe('::1');
      expect(seen.redirectUrl).toMatch(/^http:\/\/\[::1\]:\d+\/callback\/.+/);
      expect(seen.status).toBe(200);
      expect(seen.result).toMatchObject({
        outcome: 'received',
        userId: 'user-1',
      });
    },
    90_000,
  );

  it('waits ten minutes for the callback when no timeout is given', async () => {
    expect(DEFAULT_CALLBACK_TIMEOUT_MS).toBe(600_000);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const receiver = await startCallbackReceiver();
    let settled: CallbackResult | null = null;
    void receiver.result.then((result) => (settled = result));

    await vi.advanceTimersByTimeAsync(DEFAULT_CALLBACK_TIMEOUT_MS - 1);
    expect(settled).toBeNull();

    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual({ outcome: 'timeout' });
    vi.useRealTimers();
    await receiver.close();
  });
});
