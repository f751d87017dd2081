/** How many Basic-auth requests one client address may send. */
export interface BasicRateLimit {
  perMinute: number;
  burst: number;
}

/**
 * A leaky bucket per client address, shaped like nginx's
 * `limit_req rate=N/m burst=B nodelay`: B+1 requests pass at once, then one
 * every 60/N seconds. BTCPay's Login zone is 5 per minute with burst 3.
 */
export class ClientRateLimiter {
  private readonly excess = new Map<string, { level: number; at: number }>();

  constructor(private readonly limit: BasicRateLimit) {}

  /** Counts one request; false when this address is over its allowance. */
  take(address: string, now: number): boolean {
    const previous = this.excess.get(address);
    const drained = previous
      ? Math.max(
          0,
          previous.level -
            ((now - previous.at) * this.limit.perMinute) / 60_000,
        )
      : -1;
    const level = drained + 1;
    if (level > this.limit.burst) return false;
    this.excess.set(address, { level, at: now });
    return true;
  }
}
