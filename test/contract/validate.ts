import type { AnswerFacts } from './authorize-answers';
import {
  DISAGREEMENTS,
  disagreementFor,
  type Disagreement,
} from './disagreements';
import { loadSpec, openApiStatus, type LoadedSpec } from './openapi';

/** The outcome of checking one request or response against the spec. */
export interface ContractResult {
  ok: boolean;
  errors: string[];
  /** The documented disagreement that was applied instead of the spec text. */
  disagreement?: Disagreement;
}

/** Thrown when the spec is absent; callers print the reason and step aside. */
export class OpenApiUnavailableError extends Error {}

type Operation = {
  responses?: Record<
    string,
    { content?: Record<string, { schema?: unknown }> }
  >;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  security?: Record<string, string[]>[];
};

function spec(): LoadedSpec {
  const status = openApiStatus();
  if (!status.available) throw new OpenApiUnavailableError(status.reason);
  return loadSpec(status.dir);
}

function operation(
  method: string,
  pathTemplate: string,
): Operation | undefined {
  const paths = spec().document.paths as Record<
    string,
    Record<string, Operation>
  >;
  return paths[pathTemplate]?.[method.toLowerCase()];
}

function schemaErrors(schema: unknown, value: unknown): string[] {
  const validate = spec().validatorFor(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) =>
    `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim(),
  );
}

const componentSchema = (name: string): unknown =>
  ((spec().document.components as Record<string, Record<string, unknown>>)
    .schemas ?? {})[name];

const isEmptyBody = (body: unknown): boolean =>
  body === undefined || body === '';

/** The concrete path's template among the spec's paths, e.g. /api/v1/users/{idOrEmail}/api-keys. */
export function templateFor(
  method: string,
  concretePath: string,
): string | undefined {
  const paths = spec().document.paths as Record<
    string,
    Record<string, unknown>
  >;
  const wanted = concretePath.split('?')[0]!.replace(/\/+$/, '');
  const candidates = Object.keys(paths).filter(
    (t) => paths[t]?.[method.toLowerCase()],
  );
  // Literal segments win over parameters (api-keys/current before {apikey}).
  const literal = candidates.find((t) => t === wanted);
  if (literal) return literal;
  return candidates.find((t) => {
    const pattern = t
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{[^}]+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(wanted);
  });
}

/**
 * Checks a response (status and parsed JSON body; '' or undefined for an
 * empty body) against the merged spec, or the documented disagreement.
 */
export function validateAgainstOpenApi(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
  headers: AnswerFacts['headers'] = {},
): ContractResult {
  const specific = disagreementFor(method, pathTemplate, status);
  if (specific?.checkBody) {
    const errors = specific.checkBody(body, { status, headers });
    return { ok: errors.length === 0, errors, disagreement: specific };
  }
  const op = operation(method, pathTemplate);
  if (!op)
    return {
      ok: false,
      errors: [`${method} ${pathTemplate} is not in the spec`],
    };
  // A 'default' ProblemDetails cannot describe the 422 array, so 422 is generic.
  const fallback =
    status >= 400 && status !== 422 ? op.responses?.default : undefined;
  const documented = op.responses?.[String(status)] ?? fallback;
  if (!documented) return genericError(method, status, body);
  const schema = documented.content?.['application/json']?.schema;
  if (schema === undefined) {
    const errors =
      status < 300 && !isEmptyBody(body)
        ? ['the spec documents no body here']
        : [];
    return { ok: errors.length === 0, errors };
  }
  const errors = isEmptyBody(body)
    ? ['expected a JSON body']
    : schemaErrors(schema, body);
  return { ok: errors.length === 0, errors };
}

function genericError(
  method: string,
  status: number,
  body: unknown,
): ContractResult {
  const generic = disagreementFor('*', '*', status);
  if (!generic) {
    return {
      ok: false,
      errors: [`status ${status} is not documented for ${method}`],
    };
  }
  const schema = componentSchema(
    status === 422 ? 'ValidationProblemDetails' : 'ProblemDetails',
  );
  const errors = isEmptyBody(body)
    ? ['expected a JSON error body']
    : schemaErrors(schema, body);
  if (
    status !== 422 &&
    typeof (body as { code?: unknown })?.code !== 'string'
  ) {
    errors.push('expected a string code');
  }
  return { ok: errors.length === 0, errors, disagreement: generic };
}

/** A request as the client sent it (see SandboxAdmin.requests). */
export interface RequestToCheck {
  headers: Record<string, string | string[] | undefined>;
  body?: string;
}

function header(request: RequestToCheck, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function authErrors(
  op: Operation,
  request: RequestToCheck,
  override?: 'apikey' | 'any',
): string[] {
  const authorization = header(request, 'authorization');
  const apiKey = /^token \S+$/.test(authorization);
  const basic = /^Basic [A-Za-z0-9+/]+=*$/.test(authorization);
  if (override === 'apikey')
    return apiKey ? [] : ['expected Authorization: token <key>'];
  const schemes = new Set(
    (op.security ?? []).flatMap((entry) => Object.keys(entry)),
  );
  if (override === 'any' || schemes.size > 0) {
    const allowed = (override === 'any' || schemes.has('API_Key')) && apiKey;
    const allowedBasic = (override === 'any' || schemes.has('Basic')) && basic;
    return allowed || allowedBasic
      ? []
      : ['expected a token or Basic Authorization header'];
  }
  return [];
}

/**
 * Checks a request the client sent: the operation exists, it asks for JSON,
 * it authenticates the way the server (not just the spec) requires, and its
 * JSON body fits the spec's request schema.
 */
export function validateRequest(
  method: string,
  pathTemplate: string,
  request: RequestToCheck,
): ContractResult {
  const op = operation(method, pathTemplate);
  if (!op)
    return {
      ok: false,
      errors: [`${method} ${pathTemplate} is not in the spec`],
    };
  const disagreement = DISAGREEMENTS.find(
    (d) =>
      d.method === method.toUpperCase() &&
      d.path === pathTemplate &&
      d.requestAuth,
  );
  const errors: string[] = [];
  if (!header(request, 'accept').includes('application/json')) {
    errors.push('expected Accept: application/json');
  }
  errors.push(...authErrors(op, request, disagreement?.requestAuth));
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const body = request.body ?? '';
  if (schema !== undefined && body !== '') {
    if (!header(request, 'content-type').startsWith('application/json')) {
      errors.push('expected Content-Type: application/json');
    }
    try {
      errors.push(...schemaErrors(schema, JSON.parse(body)));
    } catch {
      errors.push('the body is not JSON');
    }
  } else if (schema === undefined && body !== '') {
    errors.push('the spec documents no request body here');
  }
  return {
    ok: errors.length === 0,
    errors,
    ...(disagreement ? { disagreement } : {}),
  };
}
