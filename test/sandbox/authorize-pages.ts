import type { ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import {
  consentItems,
  findReusableKey,
  grantedPermissions,
  needsStoreChoice,
  readAuthorizeRequest,
  type AuthorizeRequest,
} from './authorize-model';
import {
  confirmPage,
  consentPage,
  postRedirectPage,
  storeChoicePage,
  type FormContext,
} from './authorize-views';
import { page } from './html';
import { redirect, sendHtml, type SandboxRequest } from './http-util';
import type { SandboxKey } from './keys';
import { redirectToLogin } from './login-pages';
import {
  antiforgeryToken,
  antiforgeryValid,
  loggedInUserId,
  setFlash,
} from './session';
import type { SandboxState } from './state';
import type { SandboxUser } from './users';

type Reply = ServerResponse;

/** True for loopback, private-network, link-local and .local/.onion hosts. */
export function isLocalOrOnionHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (
    host === 'localhost' ||
    host.endsWith('.onion') ||
    host.endsWith('.local')
  )
    return true;
  if (isIP(host) === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (isIP(host) === 6) return host === '::1' || /^f[cd]|^fe80/.test(host);
  return false;
}

/** BTCPayServerEnvironment.IsSecure, judged from how the client addressed us. */
function isSecure(state: SandboxState, request: SandboxRequest): boolean {
  if (state.settings.network !== 'mainnet') return true;
  const base = new URL(request.baseUrl);
  return base.protocol === 'https:' || isLocalOrOnionHost(base.hostname);
}

function context(
  state: SandboxState,
  request: SandboxRequest,
  response: Reply,
  authorize: AuthorizeRequest,
  storeId: string | null,
): FormContext {
  return {
    action: `${request.baseUrl}api-keys/authorize`,
    antiforgery: antiforgeryToken(state, request, response),
    request: authorize,
    storeId,
  };
}

function showConsentOrReuse(
  state: SandboxState,
  ctx: FormContext,
  response: Reply,
  user: SandboxUser,
): void {
  const reuse = findReusableKey(
    state.keys.ofUser(user.id),
    ctx.request,
    ctx.storeId,
  );
  if (reuse === 'server-error') {
    return sendHtml(response, 500, page('Error', '<h1>An error occurred</h1>'));
  }
  if (reuse) return sendHtml(response, 200, confirmPage(ctx, reuse));
  const defined = state.definedPolicies();
  const items = consentItems(ctx.request, user, defined, ctx.storeId);
  sendHtml(
    response,
    200,
    consentPage(ctx, items, ctx.request.applicationName ?? ''),
  );
}

function sendKeyBack(
  state: SandboxState,
  request: SandboxRequest,
  response: Reply,
  ctx: FormContext,
  key: SandboxKey,
): void {
  if (ctx.request.redirect) {
    const html = postRedirectPage(
      ctx.request.redirect,
      key,
      key.userId,
      ctx.antiforgery,
    );
    return sendHtml(response, 200, html);
  }
  setFlash(state, request, {
    kind: 'success',
    text: `API key generated! ${key.apiKey}`,
  });
  redirect(response, `${request.baseUrl}account/apikeys`);
}

function approve(
  state: SandboxState,
  request: SandboxRequest,
  response: Reply,
  ctx: FormContext,
  form: URLSearchParams,
  user: SandboxUser,
): void {
  const defined = state.definedPolicies();
  const items = consentItems(ctx.request, user, defined, ctx.storeId);
  const label = form.get('Label') ?? '';
  const blocked = ctx.request.strict
    ? items.filter((item) => item.unavailable)
    : [];
  if (blocked.length > 0) {
    const errors = blocked.map(
      (item) =>
        `The permission '${item.title}' is required for this application.`,
    );
    return sendHtml(response, 200, consentPage(ctx, items, label, errors));
  }
  const permissions = grantedPermissions(
    items,
    form.getAll('PermissionValues'),
  );
  const redirectUrl = ctx.request.redirect;
  const key = state.keys.create(user.id, label, permissions, {
    identifier: redirectUrl ? ctx.request.applicationIdentifier : null,
    authority: redirectUrl ? redirectUrl.href : null,
  });
  sendKeyBack(state, request, response, ctx, key);
}

function handlePost(
  state: SandboxState,
  request: SandboxRequest,
  response: Reply,
  user: SandboxUser,
): void {
  const form = new URLSearchParams(request.body);
  if (!antiforgeryValid(state, request, form)) {
    return sendHtml(response, 400, page('Bad request', '<h1>Bad request</h1>'));
  }
  const command = form.get('command');
  if (command === 'cancel')
    return redirect(response, `${request.baseUrl}account/apikeys`);
  const authorize = readAuthorizeRequest(form, state.definedPolicies());
  const storeId = form.get('StoreId');
  const ownStores = state.storesOf(user.id);
  const validStore = ownStores.some((store) => store.id === storeId)
    ? storeId
    : null;
  const ctx = context(state, request, response, authorize, validStore);
  if (needsStoreChoice(authorize) && !validStore) {
    return sendHtml(response, 200, storeChoicePage(ctx, ownStores));
  }
  if (command === 'continue')
    return showConsentOrReuse(state, ctx, response, user);
  if (command === 'confirm') {
    const key = findReusableKey(
      state.keys.ofUser(user.id),
      authorize,
      validStore,
    );
    if (key && key !== 'server-error' && key.apiKey === form.get('ApiKey')) {
      return sendKeyBack(state, request, response, ctx, key);
    }
    return sendHtml(response, 400, page('Bad request', '<h1>Bad request</h1>'));
  }
  approve(state, request, response, ctx, form, user);
}

/** Answers GET and POST /api-keys/authorize; false for other paths. */
export function handleAuthorizePages(
  state: SandboxState,
  request: SandboxRequest,
  response: Reply,
): boolean {
  if (request.path.replace(/\/+$/, '') !== '/api-keys/authorize') return false;
  const userId = loggedInUserId(state, request);
  if (!userId) {
    redirectToLogin(request, response);
    return true;
  }
  if (!isSecure(state, request)) {
    const text = 'Cannot generate API keys while not using HTTPS or Tor';
    setFlash(state, request, { kind: 'error', text });
    redirect(response, `${request.baseUrl}account/apikeys`);
    return true;
  }
  const user = state.user(userId);
  if (request.method === 'POST') {
    handlePost(state, request, response, user);
    return true;
  }
  const authorize = readAuthorizeRequest(
    request.query,
    state.definedPolicies(),
  );
  const ctx = context(state, request, response, authorize, null);
  if (needsStoreChoice(authorize)) {
    // A store-scoped key cannot match before a store is chosen.
    sendHtml(response, 200, storeChoicePage(ctx, state.storesOf(user.id)));
  } else {
    showConsentOrReuse(state, ctx, response, user);
  }
  return true;
}
