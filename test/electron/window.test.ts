import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererFileServer } from '../../main/app-files';
import { CONTENT_SECURITY_POLICY } from '../../main/security';
import {
  addPolicyToResponses,
  denyAllPermissions,
  lockNavigation,
  type GuardedContents,
  type GuardedSession,
} from '../../main/window-guards';
import { cancellableEvent } from './fakes';

// The window's lock-down, driven through stand-ins for Electron's session and
// web contents, and the app protocol serving real files from a temp folder.

type Listener = (...args: unknown[]) => unknown;

function fakeSession() {
  const installed: Record<string, Listener> = {};
  const session = {
    setPermissionRequestHandler: (handler: Listener) =>
      void (installed['request'] = handler),
    setPermissionCheckHandler: (handler: Listener) =>
      void (installed['check'] = handler),
    webRequest: {
      onHeadersReceived: (listener: Listener) =>
        void (installed['headers'] = listener),
    },
  };
  return { installed, session: session as unknown as GuardedSession };
}

describe('denyAllPermissions', () => {
  it('refuses every permission the page asks for or checks', () => {
    const { installed, session } = fakeSession();
    denyAllPermissions(session);
    for (const permission of ['media', 'notifications', 'geolocation']) {
      let granted: unknown = 'unanswered';
      installed['request']?.({}, permission, (answer: boolean) => {
        granted = answer;
      });
      expect(granted, permission).toBe(false);
      expect(installed['check']?.({}, permission), permission).toBe(false);
    }
  });
});

describe('addPolicyToResponses', () => {
  it('replaces any policy a response brought with the app’s own', () => {
    const { installed, session } = fakeSession();
    addPolicyToResponses(session);
    let answered: { responseHeaders: Record<string, string[]> } | null = null;
    installed['headers']?.(
      {
        responseHeaders: {
          'content-security-policy': [
            "default-src *; script-src 'unsafe-inline'",
          ],
          'Content-Type': ['text/html'],
        },
      },
      (response: { responseHeaders: Record<string, string[]> }) => {
        answered = response;
      },
    );
    expect(answered).toEqual({
      responseHeaders: {
        'Content-Type': ['text/html'],
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
});

describe('lockNavigation', () => {
  function lockedContents() {
    const contents = new EventEmitter() as EventEmitter & {
      openHandler?: (details: { url: string }) => unknown;
      setWindowOpenHandler: (
        handler: (details: { url: string }) => unknown,
      ) => void;
    };
    contents.setWindowOpenHandler = (handler) => {
      contents.openHandler = handler;
    };
    lockNavigation(contents as unknown as GuardedContents);
    return contents;
  }

  it('keeps the window on the app whatever way the page tries to leave', () => {
    const contents = lockedContents();
    for (const name of [
      'will-navigate',
      'will-frame-navigate',
      'will-redirect',
    ]) {
      for (const url of [
        'https://evil.example/',
        'file:///etc/passwd',
        'app://keys.evil/index.html',
      ]) {
        const event = cancellableEvent(url);
        contents.emit(name, event);
        expect(event.defaultPrevented, `${name} ${url}`).toBe(true);
      }
      const inApp = cancellableEvent('app://keys/index.html');
      contents.emit(name, inApp);
      expect(inApp.defaultPrevented, name).toBe(false);
    }
  });

  it('opens no window and attaches no webview', () => {
    const contents = lockedContents();
    for (const url of [
      'https://btcpay.example.com/',
      'app://keys/index.html',
    ]) {
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' });
    }
    const webview = cancellableEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });
});

describe('rendererFileServer', () => {
  let root: string;
  let rendererDir: string;
  let serve: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-app-protocol-'));
    rendererDir = path.join(root, 'renderer');
    await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html>');
    await writeFile(path.join(rendererDir, 'assets', 'app-1.js'), 'run()');
    await writeFile(path.join(root, 'outside.txt'), 'not for the page');
    serve = rendererFileServer(rendererDir);
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('serves the page and its assets with the app’s policy and media types', async () => {
    const page = await serve(new Request('app://keys/'));
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<!doctype html>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(
      CONTENT_SECURITY_POLICY,
    );
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const script = await serve(new Request('app://keys/assets/app-1.js'));
    expect(await script.text()).toBe('run()');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('answers 404, still with the policy, for anything outside the renderer files', async () => {
    for (const url of [
      'app://keys/missing.js',
      'app://keys/assets',
      'app://keys/assets/..%2f..%2foutside.txt',
      'app://keys/..%5coutside.txt',
      'app://other/index.html',
    ]) {
      const response = await serve(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('not for the page');
      expect(response.headers.get('content-security-policy'), url).toBe(
        CONTENT_SECURITY_POLICY,
      );
    }
    const posted = await serve(
      new Request('app://keys/index.html', { method: 'POST', body: 'x' }),
    );
    expect(posted.status).toBe(404);
  });
});
