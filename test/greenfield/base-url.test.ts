import { describe, expect, it } from 'vitest';
import {
  apiUrl,
  isInsecureServer,
  normalizeBaseUrl,
} from '../../src/greenfield/base-url';

function normalized(input: string): string {
  const result = normalizeBaseUrl(input);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.url;
}

describe('normalizeBaseUrl', () => {
  it('adds the trailing slash and keeps the sub-path BTCPay runs under', () => {
    expect(normalized('https://shop.example.com/btcpay')).toBe(
      'https://shop.example.com/btcpay/',
    );
    expect(normalized('https://shop.example.com/btcpay/')).toBe(
      'https://shop.example.com/btcpay/',
    );
  });

  it('drops a pasted query string and fragment', () => {
    expect(
      normalized('https://pay.example.com/btcpay/?ReturnUrl=%2Fstores#top'),
    ).toBe('https://pay.example.com/btcpay/');
  });

  it('lower-cases the host and drops the default port', () => {
    expect(normalized('  HTTPS://Pay.Example.COM:443  ')).toBe(
      'https://pay.example.com/',
    );
  });

  it('takes an address typed without a scheme as https', () => {
    expect(normalized('pay.example.com')).toBe('https://pay.example.com/');
    expect(normalized('localhost:23000/btcpay')).toBe(
      'https://localhost:23000/btcpay/',
    );
  });

  it('keeps plain http, for servers on the local network', () => {
    expect(normalized('http://192.168.1.20:23000')).toBe(
      'http://192.168.1.20:23000/',
    );
  });

  it('refuses an empty address, other schemes and unparseable text', () => {
    expect(normalizeBaseUrl('   ')).toMatchObject({
      ok: false,
      problem: 'empty',
    });
    expect(normalizeBaseUrl('ftp://pay.example.com')).toMatchObject({
      ok: false,
      problem: 'unsupported-scheme',
    });
    expect(normalizeBaseUrl('https://exa mple.com')).toMatchObject({
      ok: false,
      problem: 'not-a-url',
    });
  });

  it('refuses a user name and password in the address without echoing them', () => {
    const result = normalizeBaseUrl('https://alice:s3cret@pay.example.com/');
    expect(result).toMatchObject({ ok: false, problem: 'has-credentials' });
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });
});

describe('apiUrl', () => {
  it('appends API paths below the sub-path instead of replacing it', () => {
    expect(apiUrl('https://host.example/btcpay/', 'api/v1/health')).toBe(
      'https://host.example/btcpay/api/v1/health',
    );
    expect(apiUrl('https://host.example/btcpay', '/api/v1/stores')).toBe(
      'https://host.example/btcpay/api/v1/stores',
    );
  });

  it('works for servers at the root', () => {
    expect(apiUrl('https://host.example/', 'misc/permissions')).toBe(
      'https://host.example/misc/permissions',
    );
  });
});

describe('isInsecureServer', () => {
  it.each([
    'http://pay.example.com/',
    'http://8.8.8.8/',
    'http://172.32.0.1/',
    'http://[2001:db8::1]/',
    'http://[::ffff:8.8.8.8]/',
  ])('warns about plain http on the public host %s', (url) => {
    expect(isInsecureServer(url)).toBe(true);
  });

  it.each([
    'https://pay.example.com/',
    'http://localhost:23000/',
    'http://127.0.0.1:23000/',
    'http://[::1]:23000/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.254/',
    'http://192.168.0.10/',
    'http://169.254.10.10/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:192.168.1.2]/',
    'http://btcpay.local/',
    'http://btcpay.lan/',
    'http://btcpay/',
    'http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion/',
  ])('accepts %s, which BTCPay also accepts for key creation', (url) => {
    expect(isInsecureServer(url)).toBe(false);
  });
});
