import type { ServerResponse } from 'node:http';
import { escapeHtml, hidden, page, statusMessage } from './html';
import { redirect, sendHtml, type SandboxRequest } from './http-util';
import {
  ANTIFORGERY_FIELD,
  antiforgeryToken,
  antiforgeryValid,
  currentSession,
  loggedInUserId,
  startSession,
  takeFlash,
} from './session';
import type { SandboxState } from './state';
import { cannotLoginReason, checkPassword } from './users';

/** Sends an anonymous browser to the login page, coming back here after. */
export function redirectToLogin(
  request: SandboxRequest,
  response: ServerResponse,
): void {
  const returnUrl = request.raw.url ?? '/';
  redirect(
    response,
    `${request.baseUrl}login?ReturnUrl=${encodeURIComponent(returnUrl)}`,
  );
}

/** Only local return targets below the base path are followed after login. */
function safeReturnUrl(
  state: SandboxState,
  value: string | null,
): string | null {
  if (
    !value ||
    !value.startsWith(state.settings.basePath) ||
    value.startsWith('//')
  ) {
    return null;
  }
  return value;
}

function renderLogin(
  state: SandboxState,
  request: SandboxRequest,
  response: ServerResponse,
  error: string | null,
  status = 200,
): void {
  const returnUrl = request.query.get('ReturnUrl') ?? '';
  const action = `${request.baseUrl}login${returnUrl ? `?ReturnUrl=${encodeURIComponent(returnUrl)}` : ''}`;
  const token = antiforgeryToken(state, request, response);
  const body = `<h1>Sign in</h1>
${error ? `<div id="LoginError" role="alert">${escapeHtml(error)}</div>` : ''}
<form id="LoginForm" method="post" action="${escapeHtml(action)}">
${hidden(ANTIFORGERY_FIELD, token)}
<label for="Email">Email</label>
<input id="Email" name="Email" type="email" autocomplete="username" required>
<label for="Password">Password</label>
<input id="Password" name="Password" type="password" autocomplete="current-password" required>
<button id="LoginButton" type="submit">Sign in</button>
</form>`;
  sendHtml(response, status, page('Sign in', body));
}

function handleLoginPost(
  state: SandboxState,
  request: SandboxRequest,
  response: ServerResponse,
): void {
  const form = new URLSearchParams(request.body);
  if (!antiforgeryValid(state, request, form)) {
    return sendHtml(response, 400, page('Bad request', '<h1>Bad request</h1>'));
  }
  const now = state.now();
  const email = (form.get('Email') ?? '').toLowerCase();
  const user = state.users.find((candidate) => candidate.email === email);
  if (!user)
    return renderLogin(state, request, response, 'Invalid login attempt.');
  const refusal = cannotLoginReason(user, now);
  if (refusal) return renderLogin(state, request, response, refusal);
  // The web login shares Identity's lockout counter with Basic auth.
  const result = checkPassword(user, form.get('Password') ?? '', now);
  if (result === 'Lockedout') {
    return renderLogin(
      state,
      request,
      response,
      'Your account is locked out. Try again later.',
    );
  }
  if (result === 'Failed')
    return renderLogin(state, request, response, 'Invalid login attempt.');
  startSession(state, response, user.id);
  const target = safeReturnUrl(state, request.query.get('ReturnUrl'));
  redirect(
    response,
    target
      ? new URL(target, request.baseUrl).href
      : `${request.baseUrl}account/apikeys`,
  );
}

function renderApiKeys(
  state: SandboxState,
  request: SandboxRequest,
  response: ServerResponse,
): void {
  const userId = loggedInUserId(state, request);
  if (!userId) return redirectToLogin(request, response);
  const rows = state.keys
    .ofUser(userId)
    .map(
      (
        key,
      ) => `<tr data-api-key="${key.apiKey}"><td class="label">${escapeHtml(key.label)}</td>
<td class="permissions">${key.permissions.map(escapeHtml).join('<br>') || 'No permissions'}</td>
<td><code class="api-key">${key.apiKey}</code></td></tr>`,
    )
    .join('\n');
  const body = `<h1>API Keys</h1>
${statusMessage(takeFlash(state, request))}
<table id="ApiKeysList"><thead><tr><th>Label</th><th>Permissions</th><th>Key</th></tr></thead>
<tbody>${rows}</tbody></table>`;
  sendHtml(response, 200, page('API Keys', body));
}

/** Answers the login and account pages; false when the path is not one. */
export function handleAccountPages(
  state: SandboxState,
  request: SandboxRequest,
  response: ServerResponse,
): boolean {
  const path = request.path.replace(/\/+$/, '') || '/';
  if (path === '/login' && request.method === 'GET') {
    renderLogin(state, request, response, null);
  } else if (path === '/login' && request.method === 'POST') {
    handleLoginPost(state, request, response);
  } else if (path === '/account/apikeys' && request.method === 'GET') {
    renderApiKeys(state, request, response);
  } else if (path === '/logout' && request.method === 'POST') {
    const session = currentSession(state, request);
    if (session) session.userId = null;
    redirect(response, `${request.baseUrl}login`);
  } else if (path === '/' && request.method === 'GET') {
    sendHtml(response, 200, page('Home', '<h1>BTCPay Server (sandbox)</h1>'));
  } else {
    return false;
  }
  return true;
}
