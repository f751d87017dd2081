import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { cookie, type SandboxRequest } from './http-util';
import type { BrowserSession, SandboxState } from './state';

/** The login cookie, named as ASP.NET Core names it. */
export const SESSION_COOKIE = '.AspNetCore.Cookies';
/** The anti-forgery cookie the form token is bound to. */
export const ANTIFORGERY_COOKIE = '.AspNetCore.Antiforgery.sandbox';
/** The form field the anti-forgery token travels in. */
export const ANTIFORGERY_FIELD = '__RequestVerificationToken';

/** The browser session behind the request's cookie, if any. */
export function currentSession(
  state: SandboxState,
  request: SandboxRequest,
): BrowserSession | null {
  const id = request.cookies.get(SESSION_COOKIE);
  return id ? (state.sessions.get(id) ?? null) : null;
}

/** The logged-in user's id, or null for an anonymous browser. */
export function loggedInUserId(
  state: SandboxState,
  request: SandboxRequest,
): string | null {
  return currentSession(state, request)?.userId ?? null;
}

/** Starts a session for `userId` and sets its cookie on the response. */
export function startSession(
  state: SandboxState,
  response: ServerResponse,
  userId: string,
): void {
  const id = randomBytes(24).toString('hex');
  state.sessions.set(id, { userId, flash: null });
  appendCookie(response, cookie(SESSION_COOKIE, id, state.settings.basePath));
}

/** Leaves a one-shot status message for the next page of this session. */
export function setFlash(
  state: SandboxState,
  request: SandboxRequest,
  flash: BrowserSession['flash'],
): void {
  const session = currentSession(state, request);
  if (session) session.flash = flash;
}

/** Takes (and clears) the session's status message. */
export function takeFlash(
  state: SandboxState,
  request: SandboxRequest,
): BrowserSession['flash'] {
  const session = currentSession(state, request);
  const flash = session?.flash ?? null;
  if (session) session.flash = null;
  return flash;
}

function appendCookie(response: ServerResponse, value: string): void {
  const previous = response.getHeader('set-cookie');
  const list = Array.isArray(previous)
    ? previous
    : previous
      ? [String(previous)]
      : [];
  response.setHeader('set-cookie', [...list, value]);
}

function tokenFor(state: SandboxState, cookieValue: string): string {
  return createHmac('sha256', state.antiforgerySecret)
    .update(cookieValue)
    .digest('base64url');
}

/** The anti-forgery token for a form, setting its cookie when missing. */
export function antiforgeryToken(
  state: SandboxState,
  request: SandboxRequest,
  response: ServerResponse,
): string {
  let value = request.cookies.get(ANTIFORGERY_COOKIE);
  if (!value) {
    value = randomBytes(16).toString('hex');
    request.cookies.set(ANTIFORGERY_COOKIE, value);
    appendCookie(
      response,
      cookie(ANTIFORGERY_COOKIE, value, state.settings.basePath),
    );
  }
  return tokenFor(state, value);
}

/** True when the posted token matches the browser's anti-forgery cookie. */
export function antiforgeryValid(
  state: SandboxState,
  request: SandboxRequest,
  form: URLSearchParams,
): boolean {
  const value = request.cookies.get(ANTIFORGERY_COOKIE);
  const posted = form.get(ANTIFORGERY_FIELD);
  if (!value || !posted) return false;
  const expected = Buffer.from(tokenFor(state, value));
  const actual = Buffer.from(posted);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
