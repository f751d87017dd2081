import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetViews } from '../../src/service/permission-words';
import { dispatchOperation } from '../../src/service';
import { NAVIGATION } from '../../renderer/routes';
import { startSandbox } from '../sandbox';
import {
  launchChromium,
  screenshot,
  seriousViolations,
  startApp,
  type AppUnderTest,
} from './harness';
import {
  backgroundColour,
  scrollPositions,
  tabStopsMissed,
} from './page-checks';

// The rest of what a merchant does in the app, in real Chromium against the
// real service, sandbox and keychain: looking after servers, keys made with a
// password or imported, every report format, the keyboard and the OS theme.

let browser: Browser;
let app: AppUnderTest;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp(browser);
  page = app.page;
  const added = await dispatchOperation(app.service.handlers, 'addServer', {
    url: app.sandbox.url,
    name: 'Sandbox shop',
  });
  expect(added).toMatchObject({ ok: true });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

async function goTo(label: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: label })
    .click();
}

async function expectAccessible(): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

const card = (name: string) =>
  page.getByRole('listitem').filter({
    has: page.getByRole('heading', { name, exact: true }),
  });

const merchant = () => {
  const found = app.sandbox.users.find((u) => u.role === 'merchant');
  if (!found) throw new Error('The sandbox has no merchant.');
  return found;
};

describe('looking after servers', () => {
  it('renames a second server and removes it, each after asking', async () => {
    const spare = await startSandbox({ port: 0 });
    try {
      await goTo('Servers');
      await page.getByLabel('BTCPay address').fill(spare.url);
      await page.getByLabel('Name (optional)').fill('Spare');
      await page.getByRole('button', { name: 'Add server' }).click();
      await expect.poll(() => card('Spare').count()).toBe(1);

      await card('Spare').getByRole('button', { name: 'Rename…' }).click();
      const rename = page.getByRole('dialog', { name: 'Rename Spare' });
      await rename.getByLabel('Name').fill('Spare till server');
      await screenshot(page, '20-rename-server');
      await expectAccessible();
      await rename.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => card('Spare till server').count()).toBe(1);
      const names = (await app.vault.metadata()).servers.map((s) => s.name);
      expect(names.sort()).toEqual(['Sandbox shop', 'Spare till server']);

      await card('Spare till server')
        .getByRole('button', { name: 'Remove…' })
        .click();
      await expect
        .poll(() => page.getByRole('dialog', { name: /^Remove Spare/ }).count())
        .toBe(1);
      await screenshot(page, '21-remove-server');
      await expectAccessible();
      await page
        .getByRole('dialog')
        .getByRole('button', { name: 'Remove', exact: true })
        .click();
      await expect.poll(() => card('Spare till server').count()).toBe(0);
      const left = (await app.vault.metadata()).servers.map((s) => s.name);
      expect(left).toEqual(['Sandbox shop']);
    } finally {
      await spare.close();
    }
  });

  it('changes how keys are minted, and the New key form starts with it', async () => {
    await card('Sandbox shop')
      .getByLabel('How keys are minted')
      .selectOption('basic');
    await expect
      .poll(() => page.getByText(/the New key form starts with this/).count())
      .toBe(1);
    const [server] = (await app.vault.metadata()).servers;
    expect(server?.mintMethod).toBe('basic');

    await goTo('New key');
    await expect
      .poll(() =>
        page
          .getByRole('radio', { name: /Sign in with a password/ })
          .isChecked(),
      )
      .toBe(true);
    expect(await page.getByLabel('Password', { exact: true }).count()).toBe(1);
  });
});

describe('keys made with a password or imported', () => {
  it('creates a point-of-sale key with the BTCPay password, storing no password', async () => {
    const { email, password } = merchant();
    app.sandbox.admin.setBasicAuthEnabled(email, true);
    await page
      .getByLabel('Label (the app or person the key is for)')
      .fill('Till 1');
    await page.getByRole('button', { name: 'Point of sale' }).click();
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await screenshot(page, '22-new-key-password');
    await page.getByRole('button', { name: 'Create the key' }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Till 1' }).count())
      .toBe(1);

    const pointOfSale = presetViews().find((p) => p.id === 'point-of-sale');
    const stored = (await app.vault.metadata()).keys.find(
      (k) => k.label === 'Till 1',
    );
    expect([...(stored?.grantedPermissions ?? [])].sort()).toEqual(
      [...(pointOfSale?.permissions ?? [])].sort(),
    );
    const onServer = app.sandbox.admin.keysOf(email).map((k) => k.label);
    expect(onServer).toContain('Till 1');
    expect(await page.content()).not.toContain(password);
  });

  it('imports a key made on BTCPay and shows what it can do', async () => {
    const apiKey = app.sandbox.admin.mintKey(
      merchant().email,
      ['btcpay.store.canviewinvoices'],
      'Made on BTCPay',
    );
    await goTo('New key');
    await page.getByRole('radio', { name: /Import an existing key/ }).check();
    await page
      .getByLabel('Label (the app or person the key is for)')
      .fill('Books');
    await page.getByLabel('API key', { exact: true }).fill(apiKey);
    await page.getByRole('button', { name: 'Check and store the key' }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Books' }).count())
      .toBe(1);
    await expect
      .poll(() => page.getByText('btcpay.store.canviewinvoices').count())
      .toBeGreaterThan(0);
    const stored = (await app.vault.metadata()).keys.find(
      (k) => k.label === 'Books',
    );
    expect(stored?.origin.kind).toBe('imported');
    expect(await page.content()).not.toContain(apiKey);
    await screenshot(page, '23-imported-key');
  });
});

describe('the audit report', () => {
  async function exported(
    button: string,
  ): Promise<{ name: string; text: string }> {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: button }).click();
    const file = await download;
    const path = await file.path();
    return {
      name: file.suggestedFilename(),
      text: await readFile(path, 'utf8'),
    };
  }

  it('exports JSON and Markdown as well as CSV', async () => {
    await goTo('Audit');
    await expect
      .poll(() => page.getByText('Keys by risk class').count())
      .toBe(1);

    const json = await exported('Export JSON');
    expect(json.name).toMatch(/^btcpay-keys-audit-.*\.json$/);
    const report = JSON.parse(json.text) as { findings?: unknown };
    expect(Array.isArray(report.findings)).toBe(true);
    expect(json.text).toContain('Till 1');

    const markdown = await exported('Export Markdown');
    expect(markdown.name).toMatch(/^btcpay-keys-audit-.*\.md$/);
    expect(markdown.text).toMatch(/^# BTCPay Key Manager audit/);
    expect(markdown.text).toContain('Books');
  });
});

describe('keyboard, layout and theme', () => {
  it('reaches every control of every screen with Tab', async () => {
    const screens = [...NAVIGATION.map((item) => item.label), 'a key'];
    for (const screen of screens) {
      if (screen === 'a key') {
        await goTo('Keys');
        await page
          .getByRole('listitem')
          .filter({ hasText: 'Books' })
          .getByRole('button')
          .click();
        await expect
          .poll(() => page.getByRole('heading', { name: 'Books' }).count())
          .toBe(1);
      } else {
        await goTo(screen);
      }
      await page.waitForLoadState('networkidle');
      await expect
        .poll(() =>
          page
            .getByRole('status')
            .filter({ hasText: /Loading|Reading|Auditing/ })
            .count(),
        )
        .toBe(0);
      const { stops, missed } = await tabStopsMissed(page);
      expect(stops, screen).toBeGreaterThan(NAVIGATION.length);
      expect(missed, screen).toEqual([]);
    }
  });

  it('keeps the sidebar in place while a long screen scrolls', async () => {
    await goTo('New key');
    await page.getByRole('button', { name: 'Create the key' }).waitFor();
    await page.mouse.move(700, 400);
    await page.mouse.wheel(0, 4000);
    await expect
      .poll(async () => (await scrollPositions(page)).contentScrolled)
      .toBeGreaterThan(0);
    expect((await scrollPositions(page)).sidebarTop).toBe(0);
    await expect(
      page.getByRole('navigation', { name: 'Main' }).isVisible(),
    ).resolves.toBe(true);
  });

  it('follows the OS between light and dark while the theme is “system”', async () => {
    await goTo('Settings');
    await expect
      .poll(() => page.getByLabel('Theme').inputValue())
      .toBe('system');
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await expect.poll(() => backgroundColour(page)).toBe('rgb(21, 24, 28)');
      await goTo('Keys');
      await screenshot(page, '24-keys-os-dark');
      await expectAccessible();
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
    await expect.poll(() => backgroundColour(page)).toBe('rgb(255, 255, 255)');
  });

  it('sends the page only events the contract allows, and never trips the CSP', () => {
    expect(app.brokenEvents).toEqual([]);
    expect(
      app.consoleErrors.filter((e) => /Content Security Policy/i.test(e)),
    ).toEqual([]);
  });
});
