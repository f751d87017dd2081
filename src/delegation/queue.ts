import type { DelegationRequest } from './link';

/**
 * Deep-link requests waiting for the user. One is on screen at a time; others
 * wait in arrival order, and a copy of the request on screen (an app that
 * opens its link twice) is dropped instead of asking the user twice.
 */

/** A request with the id the UI answers it by. */
export interface QueuedRequest {
  id: string;
  request: DelegationRequest;
  receivedAt: string;
}

/** Identifies a request by everything the user decides on. */
export function requestIdentity(request: DelegationRequest): string {
  return JSON.stringify([
    request.server,
    request.applicationName,
    request.applicationIdentifier,
    [...request.permissions].sort(),
    request.strict,
    request.selectiveStores,
    request.redirect?.url ?? null,
    request.state,
  ]);
}

/** The queue of requests waiting for a decision. */
export class DelegationQueue {
  private readonly waiting: QueuedRequest[] = [];
  private sequence = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The request on screen, if any. */
  get current(): QueuedRequest | null {
    return this.waiting[0] ?? null;
  }

  /** How many requests wait behind the one on screen. */
  get pendingCount(): number {
    return Math.max(0, this.waiting.length - 1);
  }

  /**
   * Adds a request; returns null when it duplicates the one on screen or
   * one already waiting.
   */
  enqueue(request: DelegationRequest): QueuedRequest | null {
    const identity = requestIdentity(request);
    if (this.waiting.some((q) => requestIdentity(q.request) === identity)) {
      return null;
    }
    this.sequence += 1;
    const queued = {
      id: `req-${this.sequence}`,
      request,
      receivedAt: this.now().toISOString(),
    };
    this.waiting.push(queued);
    return queued;
  }

  /** Removes the request the user answered and brings the next on screen. */
  settle(id: string): QueuedRequest | null {
    const index = this.waiting.findIndex((q) => q.id === id);
    if (index === -1) return null;
    const [settled] = this.waiting.splice(index, 1);
    return settled ?? null;
  }

  /** Every waiting request, the one on screen first. */
  list(): readonly QueuedRequest[] {
    return [...this.waiting];
  }
}
