import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl } from '../../src/authorize/request';
import {
  authorizeUrlProblem,
  checkedBrowserOpener,
} from '../../main/external-links';
import { recordingLogger } from './fakes';

// What main lets shell.openExternal open: the authorize page the core built
// for a flow, on that flow's server, posting the key back to this computer.

const server = 'https://btcpay.example.com/';
const receiver = 'http://127.0.0.1:49152/callback/token';

function authorizeUrl(base = server, redirect: string | null = receiver) {
  return buildAuthorizeUrl(base, {
    applicationName: 'Web shop',
    permissions: ['btcpay.store.cancreateinvoice'],
    strict: true,
    selectiveStores: false,
    ...(redirect ? { redirect } : {}),
  });
}

describe('authorizeUrlProblem', () => {
  it('lets the core’s authorize URL for the flow’s server through', () => {
    expect(authorizeUrlProblem(authorizeUrl(), server)).toBeNull();
    const underPath = 'https://shop.example/btcpay/';
    expect(authorizeUrlProblem(authorizeUrl(underPath), underPath)).toBeNull();
    expect(
      authorizeUrlProblem(
        authorizeUrl(server, 'http://[::1]:5000/callback/t'),
        'https://BTCPAY.example.com',
      ),
    ).toBeNull();
  });

  it('refuses an authorize page on another server than the flow’s', () => {
    expect(
      authorizeUrlProblem(authorizeUrl('https://evil.example/'), server),
    ).toMatch(/not on the server/);
    expect(
      authorizeUrlProblem(
        authorizeUrl('https://btcpay.example.com/other/'),
        server,
      ),
    ).toMatch(/not on the server/);
  });

  it('refuses pages that are not the authorize page', () => {
    for (const url of [
      'https://btcpay.example.com/login',
      'https://btcpay.example.com/api-keys/authorize/extra',
      'https://btcpay.example.com/API-KEYS/AUTHORIZE/?redirect=' +
        encodeURIComponent(receiver),
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'not a url',
    ]) {
      expect(authorizeUrlProblem(url, null), url).not.toBeNull();
    }
  });

  it('refuses credentials, fragments and keys posted off this computer', () => {
    const good = new URL(authorizeUrl());
    const withCredentials = new URL(good);
    withCredentials.username = 'merchant';
    withCredentials.password = 'hunter2';
    const withFragment = new URL(good);
    withFragment.hash = 'x';
    const refused = {
      credentials: withCredentials.toString(),
      fragment: withFragment.toString(),
      'no redirect': authorizeUrl(server, null),
      'redirect to the internet': authorizeUrl(
        server,
        'https://evil.example/k',
      ),
      'redirect to a LAN host': authorizeUrl(server, 'http://192.168.1.5:80/k'),
    };
    for (const [what, url] of Object.entries(refused)) {
      expect(authorizeUrlProblem(url, null), what).not.toBeNull();
    }
  });
});

describe('checkedBrowserOpener', () => {
  it('opens a checked URL and refuses, without opening, one that fails', async () => {
    const opened: string[] = [];
    const { logger, lines } = recordingLogger();
    const open = checkedBrowserOpener(async (url) => {
      opened.push(url);
    }, logger);

    await open(authorizeUrl(), { serverUrl: server });
    await expect(
      open('https://evil.example/api-keys/authorize', { serverUrl: server }),
    ).rejects.toThrow(/Not opened in the browser/);
    await expect(open('file:///etc/passwd')).rejects.toThrow();

    expect(opened).toEqual([authorizeUrl()]);
    expect(lines.join('')).toContain('refused to open a page');
  });
});
