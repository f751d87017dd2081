import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startCallbackReceiver } from '../../src/authorize/receiver';
import {
  forgedRequest,
  realCallback,
  REFUSED_STATUSES,
  sendForged,
} from './support/forged-requests';

/** A receiver that, like the real flow, only accepts the one real key. */
async function receiverFor(realKey: string) {
  return startCallbackReceiver({
    timeoutMs: 60_000,
    expectedOrigin: 'https://btcpay.example.com',
    acceptCallback: (callback) => Promise.resolve(callback.apiKey === realKey),
  });
}

describe('the callback receiver under forged requests', () => {
  it('refuses every forged request and still takes the real callback after them', async () => {
    let forgedCount = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(forgedRequest, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        async (forged, position) => {
          const realKey = randomBytes(20).toString('hex');
          const receiver = await receiverFor(realKey);
          try {
            const realAt = position % (forged.length + 1);
            const statuses: number[] = [];
            for (const [index, request] of forged.entries()) {
              if (index === realAt) {
                expect(await realCallback(receiver.redirectUrl, realKey)).toBe(
                  200,
                );
              }
              statuses.push(await sendForged(receiver.redirectUrl, request));
            }
            if (realAt === forged.length) {
              expect(await realCallback(receiver.redirectUrl, realKey)).toBe(
                200,
              );
            }
            forgedCount += forged.length;
            for (const status of statuses)
              expect(REFUSED_STATUSES).toContain(status);
            const result = await receiver.result;
            expect(result.outcome).toBe('received');
            if (result.outcome === 'received')
              expect(result.apiKey).toBe(realKey);
          } finally {
            await receiver.close();
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(forgedCount).toBeGreaterThan(500);
  });
});

describe('the callback receiver under load', () => {
  it('lets the real callback win among 1,000 concurrent forgeries with bounded memory', async () => {
    const realKey = randomBytes(20).toString('hex');
    const forged = fc.sample(forgedRequest, { numRuns: 1000, seed: 4242 });
    const receiver = await receiverFor(realKey);
    const before = process.memoryUsage();
    try {
      // Late, so nine hundred forgeries meet a live receiver first.
      const realAt = 900;
      const statuses: Promise<number>[] = [];
      // Twenty in flight at once, the real callback among them.
      for (let start = 0; start < forged.length; start += 20) {
        const batch = forged.slice(start, start + 20).map((request, offset) => {
          if (start + offset === realAt) {
            statuses.push(realCallback(receiver.redirectUrl, realKey));
          }
          return sendForged(receiver.redirectUrl, request);
        });
        statuses.push(...batch);
        await Promise.all(batch);
      }
      const answers = await Promise.all(statuses);
      const result = await receiver.result;
      expect(result.outcome).toBe('received');
      if (result.outcome === 'received') expect(result.apiKey).toBe(realKey);
      expect(answers.filter((status) => status === 200)).toHaveLength(1);

      // Nothing per request is kept: a thousand requests must not cost more
      // than a few megabytes once they are answered.
      const after = process.memoryUsage();
      expect(after.heapUsed - before.heapUsed).toBeLessThan(64 * 1024 * 1024);
      expect(after.rss - before.rss).toBeLessThan(128 * 1024 * 1024);
    } finally {
      await receiver.close();
    }
  });
});
