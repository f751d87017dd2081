import {
  displayName,
  type AuthorizeRequest,
  type ConsentItem,
} from './authorize-model';
import { escapeHtml, hidden, page } from './html';
import type { SandboxKey } from './keys';
import { formatPermission } from './permission-strings';
import { ANTIFORGERY_FIELD } from './session';
import type { SandboxStore } from './stores';

/** What every authorize form carries so the POST can rebuild the request. */
export interface FormContext {
  action: string;
  antiforgery: string;
  request: AuthorizeRequest;
  storeId: string | null;
}

function carriedFields(context: FormContext): string {
  const { request } = context;
  const fields = [
    hidden(ANTIFORGERY_FIELD, context.antiforgery),
    ...request.permissions.map((p) =>
      hidden('Permissions', formatPermission(p)),
    ),
    hidden('Strict', String(request.strict)),
    hidden('SelectiveStores', String(request.selectiveStores)),
  ];
  if (request.applicationName)
    fields.push(hidden('ApplicationName', request.applicationName));
  if (request.applicationIdentifier) {
    fields.push(hidden('ApplicationIdentifier', request.applicationIdentifier));
  }
  if (request.redirect) fields.push(hidden('Redirect', request.redirect.href));
  if (context.storeId) fields.push(hidden('StoreId', context.storeId));
  return fields.join('\n');
}

function heading(request: AuthorizeRequest): string {
  const name = displayName(request);
  const who = name ? escapeHtml(name) : 'An application';
  return `<h1 id="AuthorizeTitle">Authorize ${name ? escapeHtml(name) : 'Application'}</h1>
<p>${who} is requesting access to your BTCPay Server account.</p>`;
}

const cancelButton =
  '<button id="consent-no" type="submit" name="command" value="cancel">Cancel</button>';

/** The single-store choice shown before consent when selectiveStores=true. */
export function storeChoicePage(
  context: FormContext,
  stores: SandboxStore[],
): string {
  const choice =
    stores.length === 0
      ? '<p id="NoStores">You currently have no stores configured.</p>'
      : `<label for="StoreId">Select the store to grant permission for</label>
<select id="StoreId" name="StoreId">
${stores.map((s) => `<option value="${escapeHtml(s.id)}">${escapeHtml(s.name)}</option>`).join('\n')}
</select>
<button id="continue" type="submit" name="command" value="continue">Continue</button>`;
  const carried = carriedFields({ ...context, storeId: null });
  return page(
    'Authorize',
    `${heading(context.request)}
<form id="AuthorizeForm" method="post" action="${escapeHtml(context.action)}">
${carried}
${choice}
${cancelButton}
</form>`,
  );
}

function itemHtml(item: ConsentItem, strict: boolean): string {
  const { title } = item;
  const id = `Permission_${item.permission.replace(/[^a-zA-Z0-9]/g, '_')}`;
  // Under strict=false requested boxes stay clickable, but the POST forces them back on.
  const locked = strict;
  const note = item.unavailable
    ? ' <span class="unavailable">This permission is not available for your account.</span>'
    : '';
  return `<li data-permission="${escapeHtml(item.permission)}">
<input type="checkbox" id="${id}" name="PermissionValues" value="${escapeHtml(item.permission)}"${item.checked ? ' checked' : ''}${locked ? ' disabled' : ''}>
<label for="${id}">${escapeHtml(title)}</label> <code>${escapeHtml(item.permission)}</code>${note}
</li>`;
}

/** The consent page: the label, the permission list, Authorize and Cancel. */
export function consentPage(
  context: FormContext,
  items: ConsentItem[],
  label: string,
  errors: string[] = [],
): string {
  const { request } = context;
  const target = request.redirect
    ? `<p id="RedirectNotice">If authorized, the generated API key will be provided to <code>${escapeHtml(request.redirect.href)}</code></p>`
    : '';
  const list =
    items.length === 0
      ? '<p id="NoPermissions">No permissions requested: this application can only confirm that your account exists.</p>'
      : `<ul id="PermissionList">\n${items.map((i) => itemHtml(i, request.strict)).join('\n')}\n</ul>`;
  const errorList = errors.length
    ? `<ul id="ValidationErrors" role="alert">${errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>`
    : '';
  return page(
    'Authorize',
    `${heading(request)}
${target}
${errorList}
<form id="AuthorizeForm" method="post" action="${escapeHtml(context.action)}">
${carriedFields(context)}
<label for="Label">Label</label>
<input id="Label" name="Label" type="text" value="${escapeHtml(label)}">
${list}
<button id="consent-yes" type="submit" name="command" value="authorize">Authorize app</button>
${cancelButton}
</form>`,
  );
}

/** ConfirmAPIKey: offers to send an existing key again. */
export function confirmPage(context: FormContext, key: SandboxKey): string {
  const name = escapeHtml(displayName(context.request) ?? 'Application');
  const url = escapeHtml(context.request.redirect?.href ?? '');
  return page(
    'Authorize',
    `<h1 id="AuthorizeTitle">Authorize ${name}</h1>
<p>Are you sure about exposing your API Key to ${name}?</p>
<p id="ExistingKeyNotice">You previously generated the API key <code id="ExistingApiKey">${key.apiKey}</code> for ${name} with the URL ${url}.</p>
<form id="ConfirmForm" method="post" action="${escapeHtml(context.action)}">
${carriedFields(context)}
${hidden('ApiKey', key.apiKey)}
<button id="consent-yes" type="submit" name="command" value="confirm">Authorize app</button>
<button id="consent-no" type="button" onclick="history.back()">Cancel</button>
</form>`,
  );
}

/** PostRedirect: a hidden form to the redirect, submitted by inline script. */
export function postRedirectPage(
  redirect: URL,
  key: SandboxKey,
  userId: string,
  antiforgery: string,
): string {
  const fields = [
    hidden('apiKey', key.apiKey),
    hidden('userId', userId),
    ...key.permissions.map((permission) => hidden('permissions[]', permission)),
    hidden(ANTIFORGERY_FIELD, antiforgery),
  ];
  return page(
    'Redirecting',
    `<form id="PostRedirectForm" method="post" action="${escapeHtml(redirect.href)}" rel="noreferrer noopener">
${fields.join('\n')}
<noscript><button id="PostRedirectSubmit" type="submit">Submit</button></noscript>
</form>
<script>document.getElementById('PostRedirectForm').submit();</script>`,
  );
}
