// Lint and layering rules. The layering rules keep the core free of Electron,
// React and the DOM, and keep Node out of the renderer, so the boundaries are
// checked rather than hoped for.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

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
    // The core: plain TypeScript on Node.
    files: ['src/**/*.ts'],
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
              group: ['react-dom/*', 'electron/*'],
              message: 'src/ is the core.',
            },
            {
              group: ['**/main/*', '**/renderer/*'],
              message: 'src/ imports no shell code.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'sessionStorage',
        ].map((name) => ({
          name,
          message: 'src/ is the core: no DOM globals.',
        })),
      ],
    },
  },
  {
    // The renderer: the DOM, React, and from src/ only the contract and pure modules.
    files: ['renderer/**/*.{ts,tsx}'],
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
          ],
          patterns: [
            {
              group: [
                ...nodeBuiltins,
                ...nodeBuiltins.map((m) => `node:${m}`),
                'node:*',
              ],
              message: 'The renderer imports no Node built-in.',
            },
            {
              group: [
                '**/src/*',
                '!**/src/contract',
                '!**/src/contract/*',
                '!**/src/permissions',
                '!**/src/permissions/*',
              ],
              message:
                'The renderer imports from src/ only the contract and pure modules.',
            },
          ],
        },
      ],
    },
  },
  {
    // Raw IPC lives only in the two wrapper files.
    files: ['main/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    ignores: ['main/ipc.ts', 'main/preload.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'ipcMain',
          message: 'Use the typed contract in main/ipc.ts.',
        },
        { object: 'ipcRenderer', message: 'Use the preload API.' },
      ],
    },
  },
);
