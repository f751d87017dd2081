import { request as undiciRequest } from 'undici';
import type {
  Sandbox,
  SandboxUserInfo,
  SandboxUserRole,
} from '../sandbox/index';

/** The sandbox account with this role. */
export function account(
  sandbox: Sandbox,
  role: SandboxUserRole,
): SandboxUserInfo {
  const user = sandbox.users.find((candidate) => candidate.role === role);
  if (!user) throw new Error(`no ${role} account`);
  return user;
}

/** A Basic Authorization header value for an email and password. */
export function basicHeader(email: string, password: string): string {
  return `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;
}

/** A Basic Authorization header for a sandbox account. */
export function basicFor(sandbox: Sandbox, role: SandboxUserRole): string {
  const user = account(sandbox, role);
  return basicHeader(user.email, user.password);
}

/** One answer from the sandbox, with its body parsed when it is JSON. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Sends one request; never follows redirects. */
export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: {
    auth?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...options.headers,
  };
  if (options.auth) headers.authorization = options.auth;
  let body: string | undefined;
  if (options.body !== undefined) {
    body =
      typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await undiciRequest(new URL(path, sandbox.url), {
    method: method as 'GET',
    headers,
    body,
  });
  const text = await response.body.text();
  let json: unknown = undefined;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

/** A browser-like client that keeps cookies, for the HTML pages. */
export class CookieClient {
  private readonly jar = new Map<string, string>();

  constructor(
    private readonly sandbox: Sandbox,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  /** Sends a request with the stored cookies and keeps the new ones. */
  async send(
    method: string,
    url: string,
    form?: URLSearchParams,
  ): Promise<Answer> {
    const headers: Record<string, string> = {
      accept: 'text/html',
      ...this.extraHeaders,
    };
    if (this.jar.size > 0) {
      headers.cookie = [...this.jar]
        .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
        .join('; ');
    }
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await undiciRequest(new URL(url, this.sandbox.url), {
      method: method as 'GET',
      headers,
      body: form?.toString(),
    });
    const setCookie = response.headers['set-cookie'];
    for (const line of Array.isArray(setCookie)
      ? setCookie
      : setCookie
        ? [setCookie]
        : []) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.jar.set(pair.slice(0, at), decodeURIComponent(pair.slice(at + 1)));
    }
    const text = await response.body.text();
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      json: undefined,
    };
  }

  /** Logs in through the login form (at `loginUrl`); returns the POST's answer. */
  async logIn(
    role: SandboxUserRole,
    options: { password?: string; loginUrl?: string } = {},
  ): Promise<Answer> {
    const user = account(this.sandbox, role);
    const loginUrl = options.loginUrl ?? 'login';
    const loginPage = await this.send('GET', loginUrl);
    const form = new URLSearchParams({
      __RequestVerificationToken: hiddenValue(
        loginPage.text,
        '__RequestVerificationToken',
      ),
      Email: user.email,
      Password: options.password ?? user.password,
    });
    return this.send('POST', loginUrl, form);
  }
}

/** The value of a hidden input in an HTML page. */
export function hiddenValue(html: string, name: string): string {
  const match = new RegExp(
    `name="${name.replace(/[[\]]/g, '\\$&')}" value="([^"]*)"`,
  ).exec(html);
  if (!match) throw new Error(`no field ${name}`);
  return decodeEntities(match[1]!);
}

/** Undoes the sandbox's HTML escaping. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Every value of a (repeated) hidden input in an HTML page. */
export function hiddenValues(html: string, name: string): string[] {
  const pattern = new RegExp(
    `name="${name.replace(/[[\]]/g, '\\$&')}" value="([^"]*)"`,
    'g',
  );
  return [...html.matchAll(pattern)].map((m) => decodeEntities(m[1]!));
}

/** The form fields a page carries, as a browser would post them. */
export function formFields(html: string, formId: string): URLSearchParams {
  const start = html.indexOf(`id="${formId}"`);
  const end = html.indexOf('</form>', start);
  const form = html.slice(start, end);
  const fields = new URLSearchParams();
  for (const m of form.matchAll(
    /<input type="hidden" name="([^"]*)" value="([^"]*)">/g,
  )) {
    fields.append(decodeEntities(m[1]!), decodeEntities(m[2]!));
  }
  return fields;
}
