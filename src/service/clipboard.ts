import type { ServiceContext } from './context';

/**
 * Puts a key on the clipboard and takes it off again after a while, unless
 * the user copied something else meanwhile: their own clipboard is never
 * wiped.
 */
export class ClipboardGuard {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly context: ServiceContext) {}

  /** Copies `secret` and schedules the clearing; returns when it clears. */
  async copy(keyId: string, secret: string): Promise<Date> {
    this.cancelTimer();
    await this.context.clipboard.write(secret);
    const clearsAt = new Date(
      this.context.now().getTime() + this.context.clipboardClearMs,
    );
    this.context.emit({ type: 'clipboard', state: 'copied', keyId });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.clearIfStill(keyId, secret);
    }, this.context.clipboardClearMs);
    return clearsAt;
  }

  private async clearIfStill(keyId: string, secret: string): Promise<void> {
    try {
      if ((await this.context.clipboard.read()) === secret) {
        await this.context.clipboard.write('');
      }
      this.context.emit({ type: 'clipboard', state: 'cleared', keyId });
    } catch (error) {
      this.context.logger.warn(
        { keyId, error: String(error) },
        'could not clear the clipboard',
      );
    }
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops the pending clearing (the app is quitting). */
  close(): void {
    this.cancelTimer();
  }
}
