import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';

/** Where BTCPay's OpenAPI fragments live: ../shared beside the checkout. */
export const DEFAULT_OPENAPI_DIR =
  process.env.BTCPAY_OPENAPI_DIR ??
  resolve(
    fileURLToPath(new URL('../../..', import.meta.url)),
    'shared/greenfield/openapi',
  );

/** Whether the fragments are present, and why not when they are absent. */
export type OpenApiStatus =
  | { available: true; dir: string }
  | { available: false; dir: string; reason: string };

/** Checks for the fragments without reading them. */
export function openApiStatus(
  dir: string = DEFAULT_OPENAPI_DIR,
): OpenApiStatus {
  if (existsSync(join(dir, 'swagger.template.json')))
    return { available: true, dir };
  return {
    available: false,
    dir,
    reason: `BTCPay's OpenAPI fragments were not found at ${dir} (the ../shared folder beside the checkout is absent, as in a user's clone)`,
  };
}

type Json = unknown;

/** Deep-merges like Newtonsoft's JObject.Merge: objects key by key, arrays concatenated. */
export function deepMerge(target: Json, source: Json): Json {
  if (Array.isArray(target) && Array.isArray(source))
    return [...target, ...source];
  if (isObject(target) && isObject(source)) {
    const merged: Record<string, Json> = { ...target };
    for (const [key, value] of Object.entries(source)) {
      merged[key] = key in merged ? deepMerge(merged[key], value) : value;
    }
    return merged;
  }
  return source;
}

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The merged document: swagger.template.json first, then every other fragment by name. */
export function mergeFragments(
  dir: string = DEFAULT_OPENAPI_DIR,
): Record<string, Json> {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort((a, b) =>
      a === 'swagger.template.json'
        ? -1
        : b === 'swagger.template.json'
          ? 1
          : a.localeCompare(b),
    );
  let merged: Json = {};
  for (const file of files) {
    merged = deepMerge(
      merged,
      JSON.parse(readFileSync(join(dir, file), 'utf8')),
    );
  }
  return merged as Record<string, Json>;
}

const SPEC_ID = 'btcpay-openapi';

/** Points every local $ref at the registered spec, so any sub-schema compiles alone. */
function anchorRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(anchorRefs);
  if (!isObject(node)) return node;
  const copy: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `${SPEC_ID}${value}`
        : anchorRefs(value);
  }
  return copy;
}

/**
 * NSwag marks base classes `x-abstract` with additionalProperties:false and
 * extends them through allOf; plain JSON Schema would then reject the
 * subclass's own fields (StoreData's `id`). Move the closing rule to the
 * subclass as unevaluatedProperties:false, which sees through allOf.
 */
function closeAbstractBases(schemas: Record<string, Json>): void {
  const closed = new Set<string>();
  for (const [name, schema] of Object.entries(schemas)) {
    if (
      isObject(schema) &&
      schema['x-abstract'] === true &&
      schema.additionalProperties === false
    ) {
      delete schema.additionalProperties;
      closed.add(`#/components/schemas/${name}`);
    }
  }
  for (const schema of Object.values(schemas)) {
    if (!isObject(schema) || !Array.isArray(schema.allOf)) continue;
    if (
      schema.allOf.some(
        (part) => isObject(part) && closed.has(String(part.$ref)),
      )
    ) {
      schema.unevaluatedProperties = false;
    }
  }
}

/** Formats BTCPay's fragments use that no standard validator knows: documentation only. */
const DESCRIPTIVE_FORMATS = [
  'BIP21',
  'ISO 4217 Currency code(BTC, EUR, USD, etc)',
  'binary',
  'days',
  'decimal',
  'decimal or long (sats/byte)',
  'double',
  'float',
  'html',
  'int32',
  'integer',
  'keypath',
  'minutes',
  'seconds',
  'unix timestamp in seconds',
  'unix-time',
  '{txid}:{outputIndex}',
];

/** The merged spec with a validator factory for any JSON pointer into it. */
export interface LoadedSpec {
  document: Record<string, Json>;
  /** Compiles (and caches) a validator for a schema found in the document. */
  validatorFor(schema: Json): ValidateFunction;
}

let cached: { dir: string; spec: LoadedSpec } | null = null;

/** Loads, merges and prepares the spec once per process. */
export function loadSpec(dir: string = DEFAULT_OPENAPI_DIR): LoadedSpec {
  if (cached?.dir === dir) return cached.spec;
  const document = mergeFragments(dir);
  const components = structuredClone(document.components) as Record<
    string,
    Json
  >;
  closeAbstractBases(components.schemas as Record<string, Json>);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('url', (value: string) => URL.canParse(value));
  for (const format of DESCRIPTIVE_FORMATS) ajv.addFormat(format, true);
  ajv.addSchema(anchorRefs({ components }) as object, SPEC_ID);
  const compiled = new Map<Json, ValidateFunction>();
  const spec: LoadedSpec = {
    document,
    validatorFor(schema) {
      let validate = compiled.get(schema);
      if (!validate) {
        validate = ajv.compile(anchorRefs(schema) as object);
        compiled.set(schema, validate);
      }
      return validate;
    },
  };
  cached = { dir, spec };
  return spec;
}
