import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import {
  DeepLinkInbox,
  deliverLinksWhenLoaded,
  setupDeepLinks,
  setupColdStartLink,
  setupOpenUrl,
  setupProtocolClient,
  setupSingleInstance,
  type LinkApp,
} from '../../main/deep-links';
import { cancellableEvent, FakeApp } from './fakes';

// How btcpay-keys: links reach the app on each OS, with a stand-in for
// Electron's app object: a cold start's argv, a second launch's argv or
// data, macOS open-url before ready, all held until the window has loaded.

const linkA = 'btcpay-keys://authorize?server=https%3A%2F%2Fa.example%2F';
const linkB = 'btcpay-keys://authorize?server=https%3A%2F%2Fb.example%2F';

function received(inbox: DeepLinkInbox): string[] {
  const urls: string[] = [];
  inbox.attach((url) => urls.push(url));
  return urls;
}

const asApp = (app: FakeApp) => app as unknown as LinkApp;
const launched = (argv: string[], defaultApp = false) => ({
  argv,
  execPath: '/opt/electron/electron',
  defaultApp,
});

describe('DeepLinkInbox', () => {
  it('holds links until the window is ready, then hands them on in order', () => {
    const inbox = new DeepLinkInbox();
    inbox.push(linkA);
    inbox.push(linkB);
    const urls: string[] = [];
    inbox.attach((url) => urls.push(url));
    expect(urls).toEqual([linkA, linkB]);
    inbox.push(linkA);
    expect(urls).toEqual([linkA, linkB, linkA]);
  });
});

describe('setupColdStartLink', () => {
  it('queues the link the app was started with, wherever Chromium put it', () => {
    const inbox = new DeepLinkInbox();
    setupColdStartLink(
      launched(['/opt/app', '--original-process-start-time=1', linkA]),
      inbox,
    );
    expect(received(inbox)).toEqual([linkA]);
  });

  it('queues nothing for a plain start', () => {
    const inbox = new DeepLinkInbox();
    setupColdStartLink(launched(['/opt/app', '--flag']), inbox);
    expect(received(inbox)).toEqual([]);
  });
});

describe('setupSingleInstance', () => {
  it('quits a second launch when another instance holds the lock', () => {
    const app = new FakeApp(false);
    const inbox = new DeepLinkInbox();
    const started = setupSingleInstance(
      asApp(app),
      launched(['/opt/app', linkA]),
      inbox,
      () => undefined,
    );
    expect(started).toBe(false);
    expect(app.lockData).toEqual({ deepLink: linkA });
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('takes the link a second launch found in its own argv over the reordered argv', () => {
    const app = new FakeApp();
    const inbox = new DeepLinkInbox();
    let focused = 0;
    setupSingleInstance(asApp(app), launched(['/opt/app']), inbox, () => {
      focused += 1;
    });
    app.emit('second-instance', {}, ['/opt/app', linkA], '/', {
      deepLink: linkB,
    });
    app.emit('second-instance', {}, ['/opt/app', '--x', linkA], '/', null);
    app.emit('second-instance', {}, ['/opt/app'], '/', {});
    expect(received(inbox)).toEqual([linkB, linkA]);
    expect(focused).toBe(3);
  });

  it('ignores forwarded data that is not a btcpay-keys link', () => {
    const app = new FakeApp();
    const inbox = new DeepLinkInbox();
    setupSingleInstance(asApp(app), launched([]), inbox, () => undefined);
    app.emit('second-instance', {}, ['/opt/app', linkA], '/', {
      deepLink: 'https://evil.example/',
    });
    expect(received(inbox)).toEqual([linkA]);
  });
});

describe('setupOpenUrl', () => {
  it('catches macOS open-url before ready, claims it, and queues the link', () => {
    const app = new FakeApp();
    const inbox = new DeepLinkInbox();
    setupOpenUrl(asApp(app), inbox);
    const event = cancellableEvent();
    app.emit('open-url', event, linkA);
    app.emit('open-url', cancellableEvent(), 'https://not.ours.example/');
    expect(event.defaultPrevented).toBe(true);
    expect(received(inbox)).toEqual([linkA]);
  });
});

describe('setupProtocolClient', () => {
  it('registers the Electron binary and our script in development', () => {
    const app = new FakeApp();
    setupProtocolClient(
      asApp(app),
      launched(['/opt/electron/electron', 'dist/main/main.js'], true),
    );
    expect(app.protocolClients).toEqual([
      [
        'btcpay-keys',
        '/opt/electron/electron',
        [path.resolve('dist/main/main.js')],
      ],
    ]);
  });

  it('registers the packaged app by itself', () => {
    const app = new FakeApp();
    setupProtocolClient(asApp(app), launched(['/opt/BTCPay Key Manager']));
    expect(app.protocolClients).toEqual([['btcpay-keys']]);
  });
});

describe('setupDeepLinks', () => {
  it('holds links from every source until the page has loaded, in arrival order', () => {
    const app = new FakeApp();
    const inbox = new DeepLinkInbox();
    const linkC = 'btcpay-keys://authorize?server=https%3A%2F%2Fc.example%2F';
    const started = setupDeepLinks(
      asApp(app),
      launched(['/opt/app', linkA]),
      inbox,
      () => undefined,
    );
    expect(started).toBe(true);
    expect(app.protocolClients).toEqual([['btcpay-keys']]);

    // Before ready and before the window exists.
    app.emit('open-url', cancellableEvent(), linkB);
    const contents = new EventEmitter();
    const delivered: string[] = [];
    deliverLinksWhenLoaded(
      contents as unknown as Parameters<typeof deliverLinksWhenLoaded>[0],
      inbox,
      (url) => delivered.push(url),
    );
    app.emit('second-instance', {}, ['/opt/app', linkC], '/', null);
    expect(delivered).toEqual([]);

    contents.emit('did-finish-load');
    expect(delivered).toEqual([linkA, linkB, linkC]);
    app.emit('open-url', cancellableEvent(), linkA);
    expect(delivered).toEqual([linkA, linkB, linkC, linkA]);
  });

  it('wires nothing in a second launch that must quit', () => {
    const app = new FakeApp(false);
    expect(
      setupDeepLinks(
        asApp(app),
        launched(['/opt/app', linkA]),
        new DeepLinkInbox(),
        () => undefined,
      ),
    ).toBe(false);
    expect(app.eventNames()).toEqual([]);
    expect(app.protocolClients).toEqual([]);
  });
});
