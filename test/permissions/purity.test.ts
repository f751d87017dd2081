import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const folder = path.resolve(import.meta.dirname, '../../src/permissions');

// The React renderer imports the permission model, so it must stay plain
// TypeScript: no Node built-in, no package, no process or file access.
describe('the permission model', () => {
  it('imports nothing but its own files and touches no Node global', () => {
    const files = readdirSync(folder).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const name of files) {
      const source = readFileSync(path.join(folder, name), 'utf8');
      const specifiers = [...source.matchAll(/from\s+'([^']+)'/g)].map(
        (match) => match[1],
      );
      for (const specifier of specifiers) {
        expect(specifier, `${name} imports ${specifier}`).toMatch(/^\.\//);
      }
      expect(source, name).not.toMatch(
        /\b(process|Buffer|require|__dirname)\b|import\(/,
      );
    }
  });
});
