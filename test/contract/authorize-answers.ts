// What BTCPay really answers on its authorize page, checked in place of the
// swagger text (a 307 with a JSON body, a 401 page). The page is a browser
// flow: anonymous visitors are sent to log in, every step is a 200 HTML form,
// and the key travels as an auto-submitted urlencoded form POST.

/** The status and headers of an answer, for checks that need more than the body. */
export interface AnswerFacts {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

const header = (facts: AnswerFacts, name: string): string => {
  const value = facts.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A 200 must be an HTML document with a form that posts, never JSON. */
function htmlFormErrors(body: unknown, facts: AnswerFacts): string[] {
  if (typeof body !== 'string' || body === '') return ['expected an HTML page'];
  const errors: string[] = [];
  if (!header(facts, 'content-type').startsWith('text/html')) {
    errors.push('expected Content-Type: text/html');
  }
  if (looksLikeJson(body)) errors.push('expected HTML, not a JSON body');
  if (!/^\s*<!doctype html>/i.test(body))
    errors.push('expected <!DOCTYPE html>');
  if (!/<form\b[^>]*\bmethod="post"/i.test(body)) {
    errors.push('expected a form that posts');
  }
  return errors;
}

/** The hidden fields of the form with this id, in order. */
function hiddenFields(html: string, formId: string): [string, string][] {
  const start = html.indexOf(`id="${formId}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  return [
    ...form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g),
  ].map((match) => [match[1]!, match[2]!]);
}

/** The page that hands the key back: a form auto-posted to the redirect. */
function keyDeliveryErrors(html: string): string[] {
  const errors: string[] = [];
  const tag = /<form id="PostRedirectForm"[^>]*>/.exec(html)?.[0] ?? '';
  if (!/\bmethod="post"/.test(tag)) errors.push('expected the form to POST');
  const action = /\baction="([^"]*)"/.exec(tag)?.[1] ?? '';
  if (!/^https?:\/\//.test(action))
    errors.push('expected an absolute action URL');
  if (/enctype="(?!application\/x-www-form-urlencoded)/.test(tag)) {
    errors.push('expected a urlencoded form');
  }
  const names = hiddenFields(html, 'PostRedirectForm').map(([name]) => name);
  for (const required of ['apiKey', 'userId', '__RequestVerificationToken']) {
    if (names.filter((name) => name === required).length !== 1) {
      errors.push(`expected exactly one ${required} field`);
    }
  }
  const unexpected = names.filter(
    (name) =>
      ![
        'apiKey',
        'userId',
        'permissions[]',
        '__RequestVerificationToken',
      ].includes(name),
  );
  if (unexpected.length > 0)
    errors.push(`unexpected fields ${unexpected.join(', ')}`);
  if (!/<script>[^<]*PostRedirectForm[^<]*\.submit\(\)/.test(html)) {
    errors.push('expected a script that submits the form');
  }
  return errors;
}

/** A 302 carries no body and sends the browser to log in or to the key list. */
function redirectErrors(body: unknown, facts: AnswerFacts): string[] {
  const errors = body === undefined || body === '' ? [] : ['expected no body'];
  const location = header(facts, 'location');
  if (!/\/login\?ReturnUrl=|\/account\/apikeys$/.test(location)) {
    errors.push(
      `expected a redirect to the login page or the key list, got "${location}"`,
    );
  }
  return errors;
}

/** GET /api-keys/authorize: login redirect or an HTML step, never 307 or 401. */
export function authorizePageErrors(
  body: unknown,
  facts: AnswerFacts,
): string[] {
  if (facts.status === 302) return redirectErrors(body, facts);
  if (facts.status === 200) return htmlFormErrors(body, facts);
  return [`BTCPay never answers ${facts.status} here (swagger's text)`];
}

/** POST /api-keys/authorize: the next HTML step, or the page that posts the key. */
export function authorizeConsentErrors(
  body: unknown,
  facts: AnswerFacts,
): string[] {
  if (facts.status === 302) return redirectErrors(body, facts);
  if (facts.status !== 200) {
    return [`BTCPay never answers ${facts.status} to the consent`];
  }
  const errors = htmlFormErrors(body, facts);
  if (errors.length > 0 || !String(body).includes('id="PostRedirectForm"')) {
    return errors;
  }
  return keyDeliveryErrors(String(body));
}
