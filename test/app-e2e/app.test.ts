import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  requestingApp,
  screenshot,
  seriousViolations,
  startApp,
  type AppUnderTest,
} from './harness';

// The built renderer in Chromium, driven like a merchant would, against the
// real service, the BTCPay sandbox and the real keychain (run inside
// scripts/with-keyring.sh). Screenshots land in test/artifacts/screenshots.

let browser: Browser;
let app: AppUnderTest;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp(browser);
  page = app.page;
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

describe('the desktop UI against the sandbox', () => {
  it('starts with an empty inventory that points to adding a server', async () => {
    await expect.poll(() => page.getByText('No keys yet').count()).toBe(1);
    await screenshot(page, '01-keys-empty');
    await expectAccessible();
  });

  it('adds a server after checking that it answers like BTCPay', async () => {
    await goTo('Servers');
    await page.getByLabel('BTCPay address').fill(app.sandbox.url);
    await page.getByLabel('Name (optional)').fill('Sandbox shop');
    await page.getByRole('button', { name: 'Add server' }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Sandbox shop' }).count())
      .toBe(1);
    expect((await app.vault.metadata()).servers).toHaveLength(1);
    await screenshot(page, '02-servers');
    await expectAccessible();
  });

  it('refuses an address that is not a BTCPay server, saying why', async () => {
    await page.getByLabel('BTCPay address').fill('http://127.0.0.1:9/');
    await page.getByRole('button', { name: 'Add server' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThan(0);
    expect((await app.vault.metadata()).servers).toHaveLength(1);
    await page.getByLabel('BTCPay address').fill('');
  });

  it('authorizes a key in the browser and shows requested versus granted', async () => {
    await goTo('New key');
    await page
      .getByLabel('Label (the app or person the key is for)')
      .fill('Web shop');
    await page.getByRole('button', { name: 'Create invoices' }).click();
    await screenshot(page, '03-new-key');
    await expectAccessible();
    await page.getByRole('button', { name: 'Open BTCPay to approve' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(1);
    await screenshot(page, '04-authorizing');
    await expectAccessible();
    await Promise.all(app.browserOpenings);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Key stored' }).count(), {
        timeout: 20_000,
      })
      .toBe(1);
    await expect
      .poll(() =>
        page.getByText('BTCPay granted exactly what was asked for.').count(),
      )
      .toBe(1);
    await screenshot(page, '05-authorize-outcome');
    await expectAccessible();
    const keys = (await app.vault.metadata()).keys;
    expect(keys.map((k) => k.grantedPermissions)).toEqual([
      ['btcpay.store.cancreateinvoice'],
    ]);
  });

  it('cancels a browser request that was never approved and stores nothing', async () => {
    await page.getByRole('button', { name: 'Close' }).click();
    app.merchantPlays.approve = false;
    try {
      await page
        .getByLabel('Label (the app or person the key is for)')
        .fill('Abandoned');
      await page
        .getByRole('button', { name: 'Open BTCPay to approve' })
        .click();
      await expect
        .poll(() => page.getByText(/Time left to approve/).count())
        .toBe(1);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expect
        .poll(() => page.getByRole('heading', { name: 'Cancelled' }).count())
        .toBe(1);
      const labels = (await app.vault.metadata()).keys.map((k) => k.label);
      expect(labels).toEqual(['Web shop']);
      await page.getByRole('button', { name: 'Close' }).click();
    } finally {
      app.merchantPlays.approve = true;
    }
  });

  it('inspects the key with its permissions in plain words', async () => {
    await goTo('Keys');
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Web shop' })
      .getByRole('button')
      .click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Web shop' }).count())
      .toBe(1);
    await expect
      .poll(() => page.getByText('btcpay.store.cancreateinvoice').count())
      .toBeGreaterThan(0);
    await expect
      .poll(() =>
        page.getByText('All stores, including stores created later').count(),
      )
      .toBeGreaterThan(0);
    await screenshot(page, '06-key-detail');
    await expectAccessible();
  });

  it('verifies the key against the server', async () => {
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect.poll(() => page.getByText('The key works.').count()).toBe(1);
  });

  it('reveals the secret only after a confirmation', async () => {
    const [key] = app.sandbox.admin.keysOf(app.merchant.email);
    await page.getByRole('button', { name: 'Reveal…' }).click();
    await expect
      .poll(() =>
        page.getByRole('heading', { name: 'Reveal this API key?' }).count(),
      )
      .toBe(1);
    expect(await page.getByText(key?.apiKey ?? 'missing').count()).toBe(0);
    await screenshot(page, '07-reveal-confirm');
    await expectAccessible();
    await page.getByRole('button', { name: 'Reveal the key' }).click();
    await expect
      .poll(() => page.getByLabel('API key', { exact: true }).textContent())
      .toBe(key?.apiKey);
    await page.getByRole('button', { name: 'Hide' }).click();
    expect(await page.getByText(key?.apiKey ?? 'missing').count()).toBe(0);
  });

  it('copies the key to the clipboard without sending it to the page', async () => {
    const [key] = app.sandbox.admin.keysOf(app.merchant.email);
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect
      .poll(() => page.getByText(/Copied\. The clipboard is cleared/).count())
      .toBe(1);
    expect(app.clipboard.text).toBe(key?.apiKey);
    expect(await page.content()).not.toContain(key?.apiKey);
  });

  it('lists the key in the inventory and finds it by search', async () => {
    await goTo('Keys');
    await page.getByLabel('Search').fill('web');
    await expect
      .poll(() =>
        page.getByRole('listitem').filter({ hasText: 'Web shop' }).count(),
      )
      .toBe(1);
    await page.getByLabel('Search').fill('no such key');
    await expect
      .poll(() =>
        page
          .getByText('Your one key does not match the search and filters')
          .count(),
      )
      .toBe(1);
    await screenshot(page, '08a-keys-no-match');
    await page
      .getByRole('button', { name: 'Clear search and filters' })
      .click();
    expect(await page.getByLabel('Search').inputValue()).toBe('');
    await screenshot(page, '08-keys');
    await expectAccessible();
  });

  it('runs the audit and shows findings by severity with charts', async () => {
    await goTo('Audit');
    await expect
      .poll(() => page.getByText('Keys by risk class').count())
      .toBe(1);
    await expect
      .poll(() => page.getByRole('img', { name: /Keys by age/ }).count())
      .toBe(1);
    await screenshot(page, '09-audit');
    await expectAccessible();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    expect((await download).suggestedFilename()).toMatch(
      /^btcpay-keys-audit-.*\.csv$/,
    );
  });

  it('handles a deep link from another app and delivers the key to it', async () => {
    const requester = await requestingApp();
    try {
      const link = new URL('btcpay-keys://authorize');
      link.searchParams.set('server', app.sandbox.url);
      link.searchParams.set('applicationName', 'Till app');
      link.searchParams.set('applicationIdentifier', 'till-app');
      link.searchParams.append('permissions', 'btcpay.store.canviewinvoices');
      link.searchParams.set('redirect', requester.redirect);
      link.searchParams.set('state', 'till-state-1');
      app.service.enqueueDeepLink(link.toString());

      await expect
        .poll(() =>
          page
            .getByRole('heading', { name: 'Till app asks for a BTCPay key' })
            .count(),
        )
        .toBe(1);
      await expect
        .poll(() => page.getByText('Unverified').count())
        .toBeGreaterThan(0);
      await screenshot(page, '10-deep-link-consent');
      await expectAccessible();
      const openedBefore = app.browserOpenings.length;
      await page.getByLabel(/Remember my answer/).check();
      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await expect
        .poll(() => app.browserOpenings.length, { timeout: 10_000 })
        .toBe(openedBefore + 1);
      await Promise.all(app.browserOpenings);
      const form = await requester.received;
      expect(form.get('state')).toBe('till-state-1');
      expect(form.getAll('permissions[]')).toEqual([
        'btcpay.store.canviewinvoices',
      ]);
      const delivered = app.sandbox.admin
        .keysOf(app.merchant.email)
        .map((k) => k.apiKey);
      expect(delivered).toContain(form.get('apiKey'));
      await expect
        .poll(() => page.getByText(/delivered to Till app/).count(), {
          timeout: 10_000,
        })
        .toBe(1);
      await screenshot(page, '10c-deep-link-done');
      await expectAccessible();
      await page.getByRole('button', { name: 'Close' }).click();
    } finally {
      await requester.close();
    }
  });

  it('lists the remembered answer under app access', async () => {
    await goTo('App access');
    await expect
      .poll(() => page.getByRole('cell', { name: /Till app/ }).count())
      .toBe(1);
    expect(await page.getByRole('cell', { name: 'Allowed' }).count()).toBe(1);
    await screenshot(page, '10a-app-access');
    await expectAccessible();
  });

  it('refuses a deep link that would send the key off this computer', async () => {
    const link = new URL('btcpay-keys://authorize');
    link.searchParams.set('server', app.sandbox.url);
    link.searchParams.append('permissions', 'btcpay.store.canviewinvoices');
    link.searchParams.set('redirect', 'https://evil.example/steal');
    app.service.enqueueDeepLink(link.toString());
    await expect
      .poll(() =>
        page
          .getByRole('heading', { name: 'A key request was refused' })
          .count(),
      )
      .toBe(1);
    expect(
      await page.getByRole('button', { name: 'Approve', exact: true }).count(),
    ).toBe(0);
    await screenshot(page, '10b-deep-link-refused');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('connects a manager key, then mints a key for one store without the browser', async () => {
    await goTo('Servers');
    const openedBefore = app.browserOpenings.length;
    await page.getByRole('button', { name: 'Connect a manager key…' }).click();
    await expect
      .poll(() => app.browserOpenings.length, { timeout: 10_000 })
      .toBe(openedBefore + 1);
    await Promise.all(app.browserOpenings);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Key stored' }).count(), {
        timeout: 20_000,
      })
      .toBe(1);
    await page.getByRole('button', { name: 'Close' }).click();
    await expect
      .poll(() => page.getByText(/A manager key is connected/).count())
      .toBe(1);

    await goTo('New key');
    await page
      .getByLabel('Label (the app or person the key is for)')
      .fill('Counter till');
    await page.getByLabel(/Use the manager key/).check();
    await page.getByRole('button', { name: /Load the stores of/ }).click();
    const storeSelect = page.getByRole('combobox', { name: /^Store/ });
    const firstStore = storeSelect.locator('option').nth(1);
    const store = {
      id: (await firstStore.getAttribute('value')) ?? '',
      name: (await firstStore.textContent()) ?? '',
    };
    expect(app.sandbox.stores.map((s) => s.id)).toContain(store.id);
    await storeSelect.selectOption(store.id);
    await page.getByRole('button', { name: 'Create the key' }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Counter till' }).count())
      .toBe(1);
    await expect
      .poll(() => page.getByText(`Store “${store.name}”`).count())
      .toBeGreaterThan(0);
    // Minting with the manager key opened no browser.
    expect(app.browserOpenings).toHaveLength(openedBefore + 1);
    await screenshot(page, '11-rest-key-one-store');
  });

  it('mints a deep-link key for the one store the merchant picks, with the manager key', async () => {
    const requester = await requestingApp();
    try {
      const link = new URL('btcpay-keys://authorize');
      link.searchParams.set('server', app.sandbox.url);
      link.searchParams.set('applicationName', 'Shelf scanner');
      link.searchParams.append('permissions', 'btcpay.store.canviewinvoices');
      link.searchParams.set('selectiveStores', 'true');
      link.searchParams.set('redirect', requester.redirect);
      app.service.enqueueDeepLink(link.toString());

      await expect
        .poll(() =>
          page.getByRole('heading', { name: /Shelf scanner/ }).count(),
        )
        .toBe(1);
      const approve = page.getByRole('button', {
        name: 'Approve',
        exact: true,
      });
      await page.getByRole('radio', { name: /with the manager key/ }).check();
      expect(await approve.isDisabled()).toBe(true);
      await page.getByRole('button', { name: 'List my stores' }).click();
      const storeSelect = page.getByRole('combobox', { name: 'Store' });
      const store =
        (await storeSelect.locator('option').nth(1).getAttribute('value')) ??
        '';
      await storeSelect.selectOption(store);
      await screenshot(page, '11a-deep-link-one-store');
      await expectAccessible();
      const openedBefore = app.browserOpenings.length;
      await approve.click();

      const form = await requester.received;
      expect(form.getAll('permissions[]')).toEqual([
        `btcpay.store.canviewinvoices:${store}`,
      ]);
      await expect
        .poll(() => page.getByText(/delivered to Shelf scanner/).count())
        .toBe(1);
      expect(app.browserOpenings).toHaveLength(openedBefore);
      await page.getByRole('button', { name: 'Close' }).click();
    } finally {
      await requester.close();
    }
  });

  it('shows the event log, searchable, without any secret', async () => {
    await goTo('Event log');
    await expect
      .poll(() =>
        page
          .getByText('The log is intact: no entry was changed or removed.')
          .count(),
      )
      .toBe(1);
    await page.getByLabel('Search the log').fill('revealed');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Search the log').fill('');
    await expect
      .poll(() => page.locator('tbody tr').count())
      .toBeGreaterThan(1);
    await screenshot(page, '12-event-log');
    await expectAccessible();
    for (const key of app.sandbox.admin.keysOf(app.merchant.email)) {
      expect(await page.content()).not.toContain(key.apiKey);
    }
  });

  it('revokes the key on the server and forgets it here', async () => {
    const keysBefore = app.sandbox.admin.keysOf(app.merchant.email).length;
    await goTo('Keys');
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Web shop' })
      .getByRole('button')
      .click();
    await page.getByRole('button', { name: 'Revoke…' }).click();
    await screenshot(page, '13-revoke-confirm');
    await expectAccessible();
    await page.getByRole('button', { name: 'Revoke the key' }).click();
    await expect
      .poll(() => page.getByText('BTCPay revoked the key. Its secret').count())
      .toBe(1);
    expect(app.sandbox.admin.keysOf(app.merchant.email)).toHaveLength(
      keysBefore - 1,
    );
    const record = (await app.vault.metadata()).keys.find(
      (k) => k.label === 'Web shop',
    );
    expect(record?.revokedAt).toEqual(expect.any(String));
    const webShopRows = page
      .getByRole('listitem')
      .filter({ hasText: 'Web shop' });
    expect(await webShopRows.count()).toBe(0);
    await page.getByLabel('Show revoked keys').check();
    await expect
      .poll(() => webShopRows.filter({ hasText: 'Revoked' }).count())
      .toBe(1);
    await page.getByLabel('Show revoked keys').uncheck();
  });

  it('shows settings and switches to the dark theme', async () => {
    await goTo('Settings');
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (
              globalThis as unknown as {
                document: {
                  documentElement: { dataset: Record<string, string> };
                };
              }
            ).document.documentElement.dataset['theme'],
        ),
      )
      .toBe('dark');
    await screenshot(page, '14-settings-dark');
    await expectAccessible();
    await goTo('Keys');
    await screenshot(page, '15-keys-dark');
    await expectAccessible();
  });

  it('never trips the Content-Security-Policy, and sends only contract events', () => {
    expect(app.brokenEvents).toEqual([]);
    expect(
      app.consoleErrors.filter((e) => /Content Security Policy/i.test(e)),
    ).toEqual([]);
  });
});
