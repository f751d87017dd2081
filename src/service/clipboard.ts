import type { ServiceContext } from './context';

/**
 * Puts a key on the clipboard and takes it off again after a while, or when
 * the app quits first, unless the user copied something else meanwhile:
 * their own clipboard is never wiped.
 */
export class ClipboardGuard {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pending: { keyId: string; secret: string } | null = null;

  constructor(private readonly context: ServiceContext) {}

  /** Copies `secret` and schedules the clearing; returns when it clears. */
  async copy(keyId: string, secret: string): Promise<Date> {
    this.cancelTimer();
    await this.context.clipboard.write(secret);
    const clearsAt = new Date(
      this.context.now().getTime() + this.context.clipboardClearMs,
    );
    this.pending = { keyId, secret };
    this.context.emit({ type: 'clipboard', state: 'copied', keyId });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.clearPending();
    }, this.context.clipboardClearMs);
    return clearsAt;
  }

  private async clearPending(): Promise<void> {
    const copied = this.pending;
    this.pending = null;
    if (!copied) return;
    try {
      if ((await this.context.clipboard.read()) === copied.secret) {
        await this.context.clipboard.write('');
      }
      this.context.emit({
        type: 'clipboard',
        state: 'cleared',
        keyId: copied.keyId,
      });
    } catch (error) {
      this.context.logger.warn(
        { keyId: copied.keyId, error: String(error) },
        'could not clear the clipboard',
      );
    }
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * The app is quitting: clears the clipboard now if it still holds the
   * copied key, instead of leaving it there after the app is gone.
   */
  async close(): Promise<void> {
    this.cancelTimer();
    await this.clearPending();
  }
}
