// Lint and layering rules. The layering rules keep the core free of Electron,
// React and the DOM, and keep Node out of the renderer, so the boundaries are
// checked rather than hoped for. test/lint/ proves each rule fires.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const projectRoot = path.dirname(fileURLToPath(import.meta.url));

// Every module Node ships, as written with and without the `node:` prefix.
// Prefix-only modules (node:test, node:sqlite…) are caught by `node:*`.
const nodeBuiltins = [
  ...new Set(
    builtinModules.flatMap((name) => {
      const bare = name.replace(/^node:/, '');
      return [bare, `node:${bare}`];
    }),
  ),
];

// Globals a browser has and Node does not (`window`, `location`…), plus the
// few that recent Node also defines but the core must still not lean on.
const domOnlyGlobals = [
  ...new Set([
    ...Object.keys(globals.browser).filter((name) => !(name in globals.node)),
    'navigator',
    'localStorage',
    'sessionStorage',
  ]),
];

const sourceFiles = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

/** Reports relative or absolute imports that land in a forbidden folder. */
const importTargetRule = {
  meta: {
    type: 'problem',
    schema: [
      {
        type: 'object',
        properties: {
          forbidden: { type: 'array', items: { type: 'string' } },
          allowed: { type: 'array', items: { type: 'string' } },
          message: { type: 'string' },
        },
        required: ['forbidden', 'message'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { forbidden, allowed = [], message } = context.options[0];
    const inside = (target, folder) => {
      const relative = path.relative(path.join(projectRoot, folder), target);
      return !relative.startsWith('..') && !path.isAbsolute(relative);
    };
    const check = (node) => {
      const specifier = node?.value;
      if (typeof specifier !== 'string') return;
      if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return;
      const target = path.resolve(
        path.dirname(context.physicalFilename),
        specifier.replaceAll('\\', '/'),
      );
      const blocked =
        forbidden.some((folder) => inside(target, folder)) &&
        !allowed.some((folder) => inside(target, folder));
      if (blocked) context.report({ node, message });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check(node.argument?.literal ?? node.argument),
    };
  },
};

const layering = { rules: { 'import-target': importTargetRule } };

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'release/**',
      'coverage/**',
      'test-results/**',
      'test/artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { layering },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']",
          message: 'A focused test must not be committed.',
        },
      ],
    },
  },
  {
    // The core: plain TypeScript on Node, whatever the file's extension.
    files: [`src/${sourceFiles}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/ is the core: no Electron.' },
            { name: 'react', message: 'src/ is the core: no React.' },
            { name: 'react-dom', message: 'src/ is the core: no React.' },
          ],
          patterns: [
            {
              group: ['electron/*', 'react/*', 'react-dom/*'],
              message: 'src/ is the core: no Electron, no React.',
            },
          ],
        },
      ],
      'layering/import-target': [
        'error',
        {
          forbidden: ['main', 'renderer'],
          message: 'src/ imports no shell code (main/, renderer/).',
        },
      ],
      'no-restricted-globals': [
        'error',
        ...domOnlyGlobals.map((name) => ({
          name,
          message: 'src/ is the core: no DOM globals.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        ...['window', 'document', 'navigator'].map((property) => ({
          object: 'globalThis',
          property,
          message: 'src/ is the core: no DOM globals.',
        })),
      ],
    },
  },
  {
    // The renderer: the DOM, React, and from src/ only the contract and pure modules.
    files: [`renderer/${sourceFiles}`],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'The renderer talks to main only through the preload API.',
            },
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'The renderer imports no Node built-in.',
            })),
          ],
          patterns: [
            {
              group: ['electron/*'],
              message:
                'The renderer talks to main only through the preload API.',
            },
            {
              group: ['node:*'],
              message: 'The renderer imports no Node built-in.',
            },
          ],
        },
      ],
      'layering/import-target': [
        'error',
        {
          forbidden: ['src'],
          allowed: ['src/contract', 'src/permissions'],
          message:
            'The renderer imports from src/ only the contract and pure modules.',
        },
      ],
    },
  },
  {
    // Raw IPC lives only in the two wrapper files, under any local name.
    files: [`main/${sourceFiles}`],
    ignores: ['main/ipc.ts', 'main/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'Use the typed contract in main/ipc.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [`main/${sourceFiles}`, `renderer/${sourceFiles}`],
    ignores: ['main/ipc.ts', 'main/preload.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['ipcMain', 'ipcRenderer'].flatMap((name) => [
          { object: name, message: 'Use the typed contract in main/ipc.ts.' },
          { property: name, message: 'Use the typed contract in main/ipc.ts.' },
        ]),
      ],
    },
  },
);
