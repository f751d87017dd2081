import { afterEach, describe, expect, it } from 'vitest';
import {
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../sandbox/index';
import {
  CookieClient,
  decodeEntities,
  formFields,
  hiddenValue,
  hiddenValues,
} from './helpers';

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

async function loggedIn(
  role: 'merchant' | 'admin' | 'fido' = 'merchant',
  options: SandboxOptions = {},
  headers: Record<string, string> = {},
): Promise<{ server: Sandbox; browser: CookieClient }> {
  sandbox = await startSandbox(options);
  const browser = new CookieClient(sandbox, headers);
  const login = await browser.logIn(role);
  expect(login.status).toBe(302);
  return { server: sandbox, browser };
}

/** Presses a button of the page's form the way a browser submits it. */
function press(
  html: string,
  formId: string,
  command: string,
  extra: Record<string, string> = {},
) {
  const form = formFields(html, formId);
  form.set('command', command);
  for (const [name, value] of Object.entries(extra)) form.set(name, value);
  return form;
}

const REDIRECT = 'http://127.0.0.1:9/callback?state=abc';

describe('sandbox authorize page', () => {
  it('sends an anonymous browser to the login page and back', async () => {
    sandbox = await startSandbox({ basePath: '/btcpay/' });
    const browser = new CookieClient(sandbox);
    const answer = await browser.send(
      'GET',
      'api-keys/authorize?applicationName=Shop',
    );
    expect(answer.status).toBe(302);
    const location = new URL(String(answer.headers.location));
    expect(location.pathname).toBe('/btcpay/login');
    expect(location.searchParams.get('ReturnUrl')).toBe(
      '/btcpay/api-keys/authorize?applicationName=Shop',
    );
    const login = await browser.logIn('merchant', { loginUrl: location.href });
    expect(login.headers.location).toBe(
      `${sandbox.url}api-keys/authorize?applicationName=Shop`,
    );
  });

  it('prefills the label, reads parameters case-insensitively and drops unknown policies', async () => {
    const { browser } = await loggedIn();
    const page = await browser.send(
      'GET',
      'api-keys/authorize?APPLICATIONNAME=Till&Permissions=BTCPAY.STORE.CANVIEWINVOICES&permissions=btcpay.store.nosuchpolicy',
    );
    expect(page.text).toContain('Authorize Till');
    expect(page.text).toContain(
      'Till is requesting access to your BTCPay Server account.',
    );
    expect(page.text).toMatch(
      /id="Label" name="Label" type="text" value="Till"/,
    );
    expect(hiddenValues(page.text, 'Permissions')).toEqual([
      'btcpay.store.canviewinvoices',
    ]);
    expect(page.text).not.toContain('nosuchpolicy');
  });

  it('never lets a non-admin approve a strict request for a server permission', async () => {
    const { server, browser } = await loggedIn();
    const page = await browser.send(
      'GET',
      'api-keys/authorize?permissions=btcpay.server.canviewusers&permissions=btcpay.user.canviewprofile',
    );
    expect(page.text).toContain('not available for your account');
    const answer = await browser.send(
      'POST',
      'api-keys/authorize',
      press(page.text, 'AuthorizeForm', 'authorize'),
    );
    expect(decodeEntities(answer.text)).toContain(
      "The permission 'View users' is required for this application.",
    );
    expect(server.admin.keysOf('merchant@sandbox.test')).toHaveLength(0);
  });

  it('with strict=false keeps every requested permission and adds ticked ones', async () => {
    const { server, browser } = await loggedIn();
    const page = await browser.send(
      'GET',
      'api-keys/authorize?strict=false&permissions=btcpay.store.canviewinvoices&permissions=btcpay.server.canviewusers',
    );
    expect(page.text).toContain('value="btcpay.store.cancreateinvoice"');
    expect(page.text).not.toContain('btcpay.server.canmodifyserversettings');
    const form = press(page.text, 'AuthorizeForm', 'authorize', {
      Label: 'Edited',
    });
    form.append('PermissionValues', 'btcpay.store.cancreateinvoice');
    const answer = await browser.send('POST', 'api-keys/authorize', form);
    expect(answer.status).toBe(302);
    const [key] = server.admin.keysOf('merchant@sandbox.test');
    expect(key).toMatchObject({
      label: 'Edited',
      permissions: [
        'btcpay.store.canviewinvoices',
        'btcpay.store.cancreateinvoice',
      ],
    });
  });

  it('widens a pre-scoped store permission when selectiveStores is false', async () => {
    const { server, browser } = await loggedIn();
    const page = await browser.send(
      'GET',
      'api-keys/authorize?permissions=btcpay.store.canviewinvoices:XYZ',
    );
    await browser.send(
      'POST',
      'api-keys/authorize',
      press(page.text, 'AuthorizeForm', 'authorize'),
    );
    expect(
      server.admin.keysOf('merchant@sandbox.test')[0]?.permissions,
    ).toEqual(['btcpay.store.canviewinvoices']);
  });

  it('asks for one store with selectiveStores and scopes the grant to it', async () => {
    const { server, browser } = await loggedIn();
    const second = server.stores.filter(
      (s) => s.ownerEmail === 'merchant@sandbox.test',
    )[1]!;
    const choice = await browser.send(
      'GET',
      'api-keys/authorize?selectiveStores=true&permissions=btcpay.store.cancreateinvoice',
    );
    expect(choice.text).toContain('Select the store to grant permission for');
    const consent = await browser.send(
      'POST',
      'api-keys/authorize',
      press(choice.text, 'AuthorizeForm', 'continue', { StoreId: second.id }),
    );
    await browser.send(
      'POST',
      'api-keys/authorize',
      press(consent.text, 'AuthorizeForm', 'authorize'),
    );
    expect(
      server.admin.keysOf('merchant@sandbox.test')[0]?.permissions,
    ).toEqual([`btcpay.store.cancreateinvoice:${second.id}`]);
  });

  it('tells a user without stores that none are configured', async () => {
    const { browser } = await loggedIn('fido');
    const choice = await browser.send(
      'GET',
      'api-keys/authorize?selectiveStores=true&permissions=btcpay.store.cancreateinvoice',
    );
    expect(choice.text).toContain('You currently have no stores configured.');
    expect(choice.text).not.toContain('id="continue"');
  });

  it('without a redirect shows the new key on the API keys page', async () => {
    const { server, browser } = await loggedIn();
    const page = await browser.send(
      'GET',
      'api-keys/authorize?applicationName=Shop',
    );
    const answer = await browser.send(
      'POST',
      'api-keys/authorize',
      press(page.text, 'AuthorizeForm', 'authorize'),
    );
    expect(answer.headers.location).toBe(`${server.url}account/apikeys`);
    const list = await browser.send('GET', 'account/apikeys');
    const [key] = server.admin.keysOf('merchant@sandbox.test');
    expect(list.text).toContain(`API key generated! ${key!.apiKey}`);
  });

  it('on Cancel goes to the API keys page and creates nothing', async () => {
    const { server, browser } = await loggedIn();
    const page = await browser.send(
      'GET',
      `api-keys/authorize?redirect=${encodeURIComponent(REDIRECT)}`,
    );
    const answer = await browser.send(
      'POST',
      'api-keys/authorize',
      press(page.text, 'AuthorizeForm', 'cancel'),
    );
    expect(answer.headers.location).toBe(`${server.url}account/apikeys`);
    expect(server.admin.keysOf('merchant@sandbox.test')).toEqual([]);
  });

  it('reuses a key only for the same identifier and the same full redirect URL', async () => {
    const { server, browser } = await loggedIn();
    const query = (redirect: string) =>
      `api-keys/authorize?applicationIdentifier=shop&permissions=btcpay.store.canviewinvoices&redirect=${encodeURIComponent(redirect)}`;
    const first = await browser.send('GET', query(REDIRECT));
    const posted = await browser.send(
      'POST',
      'api-keys/authorize',
      press(first.text, 'AuthorizeForm', 'authorize'),
    );
    const apiKey = hiddenValue(posted.text, 'apiKey');
    expect(server.admin.keysOf('merchant@sandbox.test')[0]).toMatchObject({
      applicationIdentifier: 'shop',
      applicationAuthority: REDIRECT,
    });
    const again = await browser.send('GET', query(REDIRECT));
    expect(again.text).toContain(
      `You previously generated the API key <code id="ExistingApiKey">${apiKey}</code>`,
    );
    const confirmed = await browser.send(
      'POST',
      'api-keys/authorize',
      press(again.text, 'ConfirmForm', 'confirm'),
    );
    expect(hiddenValue(confirmed.text, 'apiKey')).toBe(apiKey);
    const otherState = await browser.send(
      'GET',
      query(REDIRECT.replace('abc', 'def')),
    );
    expect(otherState.text).toContain('id="AuthorizeForm"');
  });

  it('fails with a 500 page for strict=false reuse missing a store policy', async () => {
    const { server, browser } = await loggedIn();
    server.admin.mintKey('merchant@sandbox.test', []);
    const first = await browser.send(
      'GET',
      `api-keys/authorize?applicationIdentifier=app&redirect=${encodeURIComponent(REDIRECT)}`,
    );
    await browser.send(
      'POST',
      'api-keys/authorize',
      press(first.text, 'AuthorizeForm', 'authorize'),
    );
    const broken = await browser.send(
      'GET',
      `api-keys/authorize?strict=false&applicationIdentifier=app&permissions=btcpay.store.canviewinvoices&redirect=${encodeURIComponent(REDIRECT)}`,
    );
    expect(broken.status).toBe(500);
  });

  it('rejects an authorize POST without the anti-forgery token', async () => {
    const { browser } = await loggedIn();
    const answer = await browser.send(
      'POST',
      'api-keys/authorize',
      new URLSearchParams({ command: 'authorize' }),
    );
    expect(answer.status).toBe(400);
  });
});
