import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index';
import { startCallbackCapture, type CallbackCapture } from './callback-capture';
import { account } from './helpers';

let browser: Browser;
let sandbox: Sandbox;
let capture: CallbackCapture;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser.close());

beforeEach(async () => {
  sandbox = await startSandbox({ basePath: '/btcpay/' });
  capture = await startCallbackCapture();
  page = await (await browser.newContext()).newPage();
});
afterEach(async () => {
  await page.context().close();
  await capture.close();
  await sandbox.close();
});

function authorizeUrl(params: [string, string][]): string {
  return `${sandbox.url}api-keys/authorize?${new URLSearchParams(params)}`;
}

async function logInAsMerchant(): Promise<void> {
  const merchant = account(sandbox, 'merchant');
  await page.fill('#Email', merchant.email);
  await page.fill('#Password', merchant.password);
  await page.click('#LoginButton');
  await page.waitForSelector('#AuthorizeForm');
}

describe('sandbox authorize flow in Chromium', () => {
  it('posts the new key, user id and permissions as a form to the redirect', async () => {
    const redirect = `${capture.url}callback/T0KEN?x=1`;
    await page.goto(
      authorizeUrl([
        ['applicationName', 'Shop'],
        ['permissions', 'btcpay.store.cancreateinvoice'],
        ['permissions', 'btcpay.store.canviewinvoices'],
        ['redirect', redirect],
      ]),
    );
    await logInAsMerchant();
    expect(await page.inputValue('#Label')).toBe('Shop');
    const posted = capture.nextPost();
    await page.click('#consent-yes');
    const post = await posted;

    expect(post.url).toBe('/callback/T0KEN?x=1');
    expect(post.headers['content-type']).toBe(
      'application/x-www-form-urlencoded',
    );
    expect(post.headers.origin).toBe('null');
    expect(post.headers.referer).toBeUndefined();
    const form = new URLSearchParams(post.body);
    expect([...new Set(form.keys())]).toEqual([
      'apiKey',
      'userId',
      'permissions[]',
      '__RequestVerificationToken',
    ]);
    expect(form.get('apiKey')).toMatch(/^[0-9a-f]{40}$/);
    expect(form.get('userId')).toBe(account(sandbox, 'merchant').id);
    expect(form.getAll('permissions[]')).toEqual([
      'btcpay.store.cancreateinvoice',
      'btcpay.store.canviewinvoices',
    ]);
    expect(form.get('__RequestVerificationToken')).not.toBe('');
    const [stored] = sandbox.admin.keysOf('merchant@sandbox.test');
    expect(stored).toMatchObject({ apiKey: form.get('apiKey'), label: 'Shop' });
  });

  it('sends nothing to the redirect when the user cancels', async () => {
    await page.goto(authorizeUrl([['redirect', `${capture.url}callback`]]));
    await logInAsMerchant();
    await page.click('#consent-no');
    await page.waitForURL(`${sandbox.url}account/apikeys`);
    expect(capture.posts).toEqual([]);
    expect(sandbox.admin.keysOf('merchant@sandbox.test')).toEqual([]);
  });

  it('scopes store permissions to the store picked with selectiveStores', async () => {
    const second = sandbox.stores.filter(
      (s) => s.ownerEmail === 'merchant@sandbox.test',
    )[1]!;
    await page.goto(
      authorizeUrl([
        ['selectiveStores', 'true'],
        ['permissions', 'btcpay.store.cancreateinvoice'],
        ['permissions', 'btcpay.user.canviewprofile'],
        ['redirect', `${capture.url}callback`],
      ]),
    );
    await logInAsMerchant();
    await page.selectOption('#StoreId', second.id);
    await page.click('#continue');
    const posted = capture.nextPost();
    await page.click('#consent-yes');
    const form = new URLSearchParams((await posted).body);
    expect(form.getAll('permissions[]')).toEqual([
      `btcpay.store.cancreateinvoice:${second.id}`,
      'btcpay.user.canviewprofile',
    ]);
  });

  it('offers the earlier key on the confirm page for the same app and redirect', async () => {
    const url = authorizeUrl([
      ['applicationIdentifier', 'shop-app'],
      ['permissions', 'btcpay.store.canviewinvoices'],
      ['redirect', `${capture.url}callback`],
    ]);
    await page.goto(url);
    await logInAsMerchant();
    const first = capture.nextPost();
    await page.click('#consent-yes');
    const firstKey = new URLSearchParams((await first).body).get('apiKey');
    await page.waitForURL(`${capture.url}callback`);

    await page.goto(url);
    expect(await page.textContent('#ExistingApiKey')).toBe(firstKey);
    const second = capture.nextPost();
    await page.click('#consent-yes');
    expect(new URLSearchParams((await second).body).get('apiKey')).toBe(
      firstKey,
    );
    expect(sandbox.admin.keysOf('merchant@sandbox.test')).toHaveLength(1);
  });
  it('with strict=false keeps requested permissions even when unticked and adds ticked ones', async () => {
    await page.goto(
      authorizeUrl([
        ['strict', 'false'],
        ['permissions', 'btcpay.store.canviewinvoices'],
        ['redirect', `${capture.url}callback`],
      ]),
    );
    await logInAsMerchant();
    await page.uncheck('#Permission_btcpay_store_canviewinvoices');
    await page.check('#Permission_btcpay_user_canviewprofile');
    const posted = capture.nextPost();
    await page.click('#consent-yes');
    const form = new URLSearchParams((await posted).body);
    expect(form.getAll('permissions[]')).toEqual([
      'btcpay.store.canviewinvoices',
      'btcpay.user.canviewprofile',
    ]);
  });
});
