import { describe, expect, it } from 'vitest';
import { openApiStatus } from './openapi';

/** Notices printed because contract suites could not run (for the skip test). */
export const printedNotices: string[] = [];

/**
 * A describe block that needs BTCPay's OpenAPI fragments. Without them it
 * prints why and registers one test checking that the reason was printed, so
 * the gap shows in the output instead of passing silently.
 */
export function describeContract(name: string, suite: () => void): void {
  const status = openApiStatus();
  if (status.available) {
    describe(name, suite);
    return;
  }
  const notice = `Contract tests "${name}" did not run: ${status.reason}`;
  console.warn(notice);
  printedNotices.push(notice);
  describe(name, () => {
    it('prints why the contract tests did not run', () => {
      expect(printedNotices).toContain(notice);
      expect(notice).toContain(status.dir);
    });
  });
}
