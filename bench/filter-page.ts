/// <reference lib="dom" />
/**
 * Code that runs inside the page (serialised by Playwright): the stub core
 * the renderer talks to, and the probe that times each keystroke.
 */

/**
 * Installs `window.btcpayKeys`, answering each named operation with its
 * value from `answersJson` and every other one with a failure.
 */
export function installStubApi(answersJson: string): void {
  const answers = JSON.parse(answersJson) as Record<string, unknown>;
  const api = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (name === 'onEvent') return () => () => undefined;
        if (typeof name !== 'string') return undefined;
        return async () =>
          name in answers
            ? { ok: true, value: answers[name] }
            : {
                ok: false,
                error: {
                  kind: 'internal',
                  message: `${name} is not part of the benchmark`,
                  nextStep: '',
                },
              };
      },
    },
  );
  Object.defineProperty(window, 'btcpayKeys', { value: api });
}

/** What the probe recorded for one keystroke, in milliseconds. */
export interface KeystrokeTiming {
  /** From the input event's timestamp to the frame after it painted. */
  toNextPaint: number;
  /** From the input event to the frame that shows the filtered count. */
  toFilteredPaint: number | null;
}

declare global {
  interface Window {
    benchKeystroke?: Promise<KeystrokeTiming>;
    benchArm?: () => void;
  }
}

/**
 * Arms a probe for the next keystroke: the input event's timestamp, then a
 * requestAnimationFrame followed by a message (which runs after that frame
 * painted), and the same after the "Showing N of M" line changes.
 */
export function installProbe(): void {
  const afterNextPaint = (): Promise<number> =>
    new Promise((resolve) => {
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      });
    });
  window.benchArm = () => {
    const input = document.querySelector<HTMLInputElement>(
      '[role="search"] input[type="search"]',
    );
    const count = Array.from(
      document.querySelectorAll('p[aria-live="polite"]'),
    ).find((p) => p.textContent?.startsWith('Showing'));
    if (!input || !count)
      throw new Error('The key list search box is not on the page.');
    window.benchKeystroke = new Promise((resolve) => {
      const onInput = (event: Event) => {
        input.removeEventListener('input', onInput);
        const start = event.timeStamp;
        const before = count.textContent;
        const filtered = new Promise<number | null>((done) => {
          const observer = new MutationObserver(() => {
            if (count.textContent === before) return;
            observer.disconnect();
            void afterNextPaint().then(done);
          });
          observer.observe(count, {
            childList: true,
            characterData: true,
            subtree: true,
          });
          // A keystroke that leaves the count unchanged never mutates it.
          setTimeout(() => {
            observer.disconnect();
            done(null);
          }, 2_000);
        });
        void afterNextPaint().then(async (painted) => {
          const shown = await filtered;
          resolve({
            toNextPaint: painted - start,
            toFilteredPaint: shown === null ? null : shown - start,
          });
        });
      };
      input.addEventListener('input', onInput);
    });
  };
}
