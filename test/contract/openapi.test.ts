import { describe, expect, it } from 'vitest';
import { describeContract } from './describe-contract';
import { deepMerge, loadSpec, openApiStatus } from './openapi';
import { templateFor, validateAgainstOpenApi } from './validate';

describe('deepMerge', () => {
  it('merges objects key by key and concatenates arrays, like the server does', () => {
    const merged = deepMerge(
      { paths: { '/a': { get: 1 } }, tags: [{ name: 'A' }] },
      { paths: { '/b': { get: 2 } }, tags: [{ name: 'B' }] },
    );
    expect(merged).toEqual({
      paths: { '/a': { get: 1 }, '/b': { get: 2 } },
      tags: [{ name: 'A' }, { name: 'B' }],
    });
  });

  it('lets a later scalar replace an earlier one', () => {
    expect(
      deepMerge({ info: { version: 'v0' } }, { info: { version: 'v1' } }),
    ).toEqual({
      info: { version: 'v1' },
    });
  });
});

describe('openApiStatus', () => {
  it('explains where it looked when the fragments are absent', () => {
    const status = openApiStatus('/nonexistent/shared/greenfield/openapi');
    expect(status.available).toBe(false);
    expect(!status.available && status.reason).toContain(
      '/nonexistent/shared/greenfield/openapi',
    );
  });
});

describeContract('merged Greenfield OpenAPI', () => {
  it('holds the 134 paths and 195 operations BTCPay serves', () => {
    const paths = loadSpec().document.paths as Record<
      string,
      Record<string, unknown>
    >;
    const verbs = ['get', 'post', 'put', 'patch', 'delete'];
    const operations = Object.values(paths).flatMap((p) =>
      Object.keys(p).filter((k) => verbs.includes(k)),
    );
    expect([Object.keys(paths).length, operations.length]).toEqual([134, 195]);
  });

  it('maps concrete paths to templates, literal segments first', () => {
    expect(templateFor('DELETE', '/api/v1/api-keys/current')).toBe(
      '/api/v1/api-keys/current',
    );
    expect(templateFor('DELETE', '/api/v1/api-keys/abc')).toBe(
      '/api/v1/api-keys/{apikey}',
    );
    expect(templateFor('POST', '/api/v1/users/a@b.c/api-keys')).toBe(
      '/api/v1/users/{idOrEmail}/api-keys',
    );
  });

  it('rejects a response with a field the schema forbids', () => {
    const result = validateAgainstOpenApi(
      'GET',
      '/api/v1/api-keys/current',
      200,
      {
        apiKey: 'k',
        label: '',
        permissions: [],
        userId: 'not in ApiKeyData',
      },
    );
    expect(result.ok).toBe(false);
  });

  it('rejects a store list item with an unknown field despite the allOf base class', () => {
    const result = validateAgainstOpenApi('GET', '/api/v1/stores', 200, [
      { id: 'S', name: 'n', bogus: true },
    ]);
    expect(result.ok).toBe(false);
  });
});
