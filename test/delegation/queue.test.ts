import { describe, expect, it } from 'vitest';
import type { DelegationRequest } from '../../src/delegation/link';
import { DelegationQueue } from '../../src/delegation/queue';

function request(
  overrides: Partial<DelegationRequest> = {},
): DelegationRequest {
  return {
    server: 'https://shop.example/',
    applicationName: 'POS',
    applicationIdentifier: 'pos',
    permissions: ['btcpay.store.cancreateinvoice'],
    strict: true,
    selectiveStores: false,
    redirect: {
      url: 'http://127.0.0.1:5000/cb',
      host: '127.0.0.1',
      port: 5000,
    },
    state: 'one',
    warnings: [],
    ...overrides,
  };
}

describe('DelegationQueue', () => {
  it('shows one request at a time, in arrival order', () => {
    const queue = new DelegationQueue();
    const first = queue.enqueue(request());
    const second = queue.enqueue(request({ state: 'two' }));
    expect(queue.current?.id).toBe(first?.id);
    expect(queue.pendingCount).toBe(1);
    queue.settle(first?.id ?? '');
    expect(queue.current?.id).toBe(second?.id);
    expect(queue.pendingCount).toBe(0);
  });

  it('drops a copy of the request on screen, even with permissions reordered', () => {
    const queue = new DelegationQueue();
    queue.enqueue(request({ permissions: ['a.b', 'c.d'] }));
    expect(queue.enqueue(request({ permissions: ['c.d', 'a.b'] }))).toBeNull();
    expect(queue.list()).toHaveLength(1);
  });

  it('keeps requests that differ in anything the user decides on', () => {
    const queue = new DelegationQueue();
    queue.enqueue(request());
    expect(queue.enqueue(request({ selectiveStores: true }))).not.toBeNull();
    expect(queue.enqueue(request({ redirect: null }))).not.toBeNull();
    expect(queue.list()).toHaveLength(3);
  });

  it('ignores an answer to a request it does not hold', () => {
    const queue = new DelegationQueue();
    queue.enqueue(request());
    expect(queue.settle('req-404')).toBeNull();
    expect(queue.list()).toHaveLength(1);
  });
});
