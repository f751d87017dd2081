import { describe, expect, it } from 'vitest';
import { checkLoopbackRedirect } from '../../src/delegation/redirect';

function ruleOf(raw: string): string {
  const check = checkLoopbackRedirect(raw);
  return check.ok ? 'accepted' : check.rule;
}

describe('checkLoopbackRedirect', () => {
  it('accepts 127.0.0.1 and [::1] with an explicit port and a path', () => {
    expect(checkLoopbackRedirect('http://127.0.0.1:49152/cb?x=1')).toEqual({
      ok: true,
      redirect: {
        url: 'http://127.0.0.1:49152/cb?x=1',
        host: '127.0.0.1',
        port: 49152,
      },
    });
    expect(checkLoopbackRedirect('http://[::1]:8080')).toEqual({
      ok: true,
      redirect: { url: 'http://[::1]:8080/', host: '[::1]', port: 8080 },
    });
  });

  it('accepts an explicit :80, the scheme default a URL parser drops, and keeps it written out', () => {
    expect(checkLoopbackRedirect('http://127.0.0.1:80/cb')).toEqual({
      ok: true,
      redirect: { url: 'http://127.0.0.1:80/cb', host: '127.0.0.1', port: 80 },
    });
    expect(checkLoopbackRedirect('http://[::1]:80/cb')).toMatchObject({
      ok: true,
      redirect: { port: 80 },
    });
  });

  it('refuses a redirect without a port under the missing-port rule, whatever follows', () => {
    for (const raw of [
      'http://127.0.0.1/cb',
      'http://127.0.0.1',
      'http://[::1]/cb',
      'http://127.0.0.1?x=1',
    ]) {
      expect(ruleOf(raw)).toBe('redirect-port');
    }
  });

  it.each([
    ['http://gozo.com/', 'redirect-host'],
    ['http://192.168.1.10:8080/cb', 'redirect-host'],
    ['https://127.0.0.1:8443/cb', 'redirect-scheme'],
    ['javascript:alert(1)', 'redirect-scheme'],
    ['file:///etc/passwd', 'redirect-scheme'],
    ['myapp://callback', 'redirect-scheme'],
    ['http://localhost:8080/cb', 'redirect-localhost'],
    ['http://LOCALHOST:8080/cb', 'redirect-localhost'],
    ['http://127.0.0.1@evil.example/', 'redirect-userinfo'],
    ['http://user:pw@127.0.0.1:8080/', 'redirect-userinfo'],
    ['http://127.0.0.1.evil.example:8080/', 'redirect-host'],
    ['http://2130706433:8080/', 'redirect-host'],
    ['http://0177.0.0.1:8080/', 'redirect-host'],
    ['http://0x7f.0.0.1:8080/', 'redirect-host'],
    ['http://0x7f000001:8080/', 'redirect-host'],
    ['http://127.1:8080/', 'redirect-host'],
    ['http://[0:0:0:0:0:0:0:1]:8080/', 'redirect-host'],
    ['http://127.0.0.1/cb', 'redirect-port'],
    ['http://127.0.0.1:/cb', 'redirect-port'],
    ['http://127.0.0.1:0/cb', 'redirect-port'],
    ['http://127.0.0.1:70000/cb', 'redirect-port'],
    ['http://127.0.0.1:80x/cb', 'redirect-port'],
    ['http://127.0.0.1:8080/cb#frag', 'redirect-fragment'],
    ['/relative/path', 'redirect-not-absolute'],
    ['http:127.0.0.1:8080', 'redirect-not-absolute'],
    [`http://127.0.0.1:8080/${'a'.repeat(3000)}`, 'redirect-too-long'],
  ])('refuses %s (%s)', (raw, rule) => {
    expect(ruleOf(raw)).toBe(rule);
  });

  it('names the broken rule in plain words', () => {
    const check = checkLoopbackRedirect('http://localhost:1234/');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(/127\.0\.0\.1 or \[::1\]/);
  });
});
