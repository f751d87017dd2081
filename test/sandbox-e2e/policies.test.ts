import { afterEach, describe, expect, it } from 'vitest';
import {
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../sandbox/index';
import { call, CookieClient, hiddenValues } from './helpers';

// Which policies a sandbox serves: its version's built-ins, and the policies
// third-party plugins register, wired into the hierarchy the way BTCPay does.

const IMPERSONATE = 'btcpay.impersonation.canimpersonate';
const PLUGIN_EXPORT = 'btcpay.plugin.store.canexportledger';
const PLUGIN_TOOLS = 'btcpay.plugin.tools.canusetools';

const plugins: SandboxOptions['pluginPolicies'] = [
  {
    name: PLUGIN_EXPORT,
    title: 'Export your ledger',
    parents: ['btcpay.store.canviewstoresettings'],
  },
  { name: PLUGIN_TOOLS, title: 'Use the tools' },
];

const started: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sandbox) => sandbox.close()));
});

async function listing(
  options: SandboxOptions,
): Promise<Map<string, string[]>> {
  const sandbox = await startSandbox(options);
  started.push(sandbox);
  const key = sandbox.admin.mintKey('merchant@sandbox.test', []);
  const answer = await call(sandbox, 'GET', 'misc/permissions', {
    auth: `token ${key}`,
  });
  expect(answer.status).toBe(200);
  const entries = answer.json as { name: string; included: string[] }[];
  return new Map(entries.map((entry) => [entry.name, entry.included]));
}

describe('the impersonation policy', () => {
  it('is served from 2.3.8, the release that added it, and not before', async () => {
    const before = await listing({ version: '2.3.7' });
    const from = await listing({ version: '2.3.8' });

    expect(before.has(IMPERSONATE)).toBe(false);
    expect(before.get('unrestricted')).not.toContain(IMPERSONATE);
    expect(from.has(IMPERSONATE)).toBe(true);
    expect(from.get('unrestricted')).toContain(IMPERSONATE);
  });

  it('is offered on the consent page only where the version defines it', async () => {
    for (const [version, offered] of [
      ['2.3.7', false],
      ['2.4.1', true],
    ] as const) {
      const sandbox = await startSandbox({ version });
      started.push(sandbox);
      const browser = new CookieClient(sandbox);
      await browser.logIn('merchant');
      const page = await browser.send(
        'GET',
        `api-keys/authorize?permissions=${IMPERSONATE}&strict=false`,
      );
      expect(hiddenValues(page.text, 'Permissions').includes(IMPERSONATE)).toBe(
        offered,
      );
    }
  });
});

describe('plugin policies', () => {
  it('lists them with their place in the hierarchy', async () => {
    const served = await listing({ version: '2.4.1', pluginPolicies: plugins });

    expect(served.get(PLUGIN_EXPORT)).toEqual([]);
    expect(served.get('btcpay.store.canviewstoresettings')).toContain(
      PLUGIN_EXPORT,
    );
    expect(served.get('btcpay.store.canmodifystoresettings')).toContain(
      PLUGIN_EXPORT,
    );
    expect(served.get('unrestricted')).toEqual(
      expect.arrayContaining([PLUGIN_EXPORT, PLUGIN_TOOLS]),
    );
    expect(served.get('btcpay.store.canviewinvoices')).not.toContain(
      PLUGIN_EXPORT,
    );
  });

  it('are not served before 2.3.6, when plugins could not register any', async () => {
    const served = await listing({ version: '2.3.5', pluginPolicies: plugins });
    expect(served.has(PLUGIN_EXPORT)).toBe(false);
    expect(served.get('unrestricted')).not.toContain(PLUGIN_TOOLS);
  });

  it('are shown with their title on the consent page', async () => {
    const sandbox = await startSandbox({ pluginPolicies: plugins });
    started.push(sandbox);
    const browser = new CookieClient(sandbox);
    await browser.logIn('merchant');
    const page = await browser.send(
      'GET',
      `api-keys/authorize?permissions=${PLUGIN_EXPORT}`,
    );
    expect(page.text).toContain('Export your ledger');
    expect(hiddenValues(page.text, 'Permissions')).toEqual([PLUGIN_EXPORT]);
  });
});
