import { builtinModules } from 'node:module';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const projectRoot = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: projectRoot });

/** The rule ids ESLint reports for `code` as if it were saved at `file`. */
async function rulesFiredFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {
    filePath: path.join(projectRoot, file),
  });
  if (!result) throw new Error(`ESLint returned nothing for ${file}`);
  return result.messages.map((message) => message.ruleId ?? message.message);
}

describe('the core (src/) layering rules', () => {
  it.each([
    ['src/keys/render.ts', "import { jsx } from 'react/jsx-runtime';"],
    ['src/keys/render.ts', "import { createRoot } from 'react-dom/client';"],
    ['src/keys/render.ts', "import React from 'react';"],
    ['src/keys/shell.ts', "import { app } from 'electron';"],
    ['src/keys/shell.ts', "import { ipcRenderer } from 'electron/renderer';"],
    ['src/keys/shell.tsx', "import { app } from 'electron';"],
    ['src/keys/shell.mts', "export { app } from 'electron';"],
  ])('refuses %s importing %s', async (file, code) => {
    expect(await rulesFiredFor(file, `${code}\n`)).toContain(
      'no-restricted-imports',
    );
  });

  it('refuses a .tsx file that imports React and Electron and uses window', async () => {
    const fired = await rulesFiredFor(
      'src/keys/view.tsx',
      [
        "import React from 'react';",
        "import { shell } from 'electron';",
        'export const view = [React, shell, window.location.href];',
        '',
      ].join('\n'),
    );
    expect(fired.filter((id) => id === 'no-restricted-imports')).toHaveLength(
      2,
    );
    expect(fired).toContain('no-restricted-globals');
  });

  it.each([
    'document.title',
    'localStorage.getItem("k")',
    'location.href',
    'requestAnimationFrame(() => 1)',
    'globalThis.window',
  ])('refuses the DOM global in %s', async (expression) => {
    const fired = await rulesFiredFor(
      'src/vault/dom.ts',
      `export const value = ${expression};\n`,
    );
    expect(
      fired.some((id) =>
        ['no-restricted-globals', 'no-restricted-properties'].includes(id),
      ),
    ).toBe(true);
  });

  it.each([
    "import { setupIpc } from '../../main/ipc';",
    "import { App } from '../permissions/../../renderer/App';",
    "export { routes } from '../../renderer/routes';",
  ])('refuses shell code: %s', async (code) => {
    expect(await rulesFiredFor('src/service/x.ts', `${code}\n`)).toContain(
      'layering/import-target',
    );
  });

  it('accepts Node built-ins, packages, its own modules and Node globals', async () => {
    const fired = await rulesFiredFor(
      'src/service/x.ts',
      [
        "import { readFile } from 'node:fs/promises';",
        "import path from 'path';",
        "import { z } from 'zod';",
        "import { parsePermission } from '../permissions';",
        'export const parts = [readFile, path, z, parsePermission];',
        'export const clock = [fetch, URL, setTimeout, process.env, new AbortController()];',
        '',
      ].join('\n'),
    );
    expect(fired).toEqual([]);
  });
});

describe('the renderer layering rules', () => {
  const everyBuiltin = [
    ...new Set(
      builtinModules.flatMap((name) => {
        const bare = name.replace(/^node:/, '');
        return [bare, `node:${bare}`];
      }),
    ),
    'node:test',
    'node:sqlite',
  ];

  it('refuses every Node built-in, with and without the node: prefix', async () => {
    expect(everyBuiltin).toEqual(
      expect.arrayContaining(['vm', 'node:module', 'readline', 'http2']),
    );
    for (const name of everyBuiltin) {
      const fired = await rulesFiredFor(
        'renderer/screens/X.tsx',
        `import '${name}';\n`,
      );
      expect(fired, name).toContain('no-restricted-imports');
    }
  });

  it.each([
    "import { ipcRenderer } from 'electron/renderer';",
    "import { contextBridge } from 'electron';",
    "import querystring from 'querystring';",
  ])('refuses %s', async (code) => {
    expect(await rulesFiredFor('renderer/App.tsx', `${code}\n`)).toContain(
      'no-restricted-imports',
    );
  });

  it.each([
    ['renderer/App.tsx', "import { openVault } from '../src/vault';"],
    ['renderer/App.tsx', "import { x } from '../src/permissions/../vault';"],
    ['renderer/App.tsx', "import { x } from '../src/contract/../service';"],
    ['renderer/App.tsx', "import { x } from '../src//greenfield';"],
    ['renderer/App.tsx', "export * from '../src/keys';"],
    [
      'renderer/screens/X.tsx',
      "import { x } from '../../src/service/dispatch';",
    ],
    ['renderer/screens/X.tsx', "const x = import('../../src/vault');"],
  ])('refuses %s importing %s from the core', async (file, code) => {
    expect(await rulesFiredFor(file, `${code}\nexport {};\n`)).toContain(
      'layering/import-target',
    );
  });

  it('accepts React, packages, its own files, the contract and the permission model', async () => {
    const fired = await rulesFiredFor(
      'renderer/screens/X.tsx',
      [
        "import { useState } from 'react';",
        "import { createRoot } from 'react-dom/client';",
        "import { useVirtualizer } from '@tanstack/react-virtual';",
        "import type { Operations } from '../../src/contract';",
        "import { OPERATION_NAMES } from '../../src/contract/names';",
        "import { parsePermission } from '../../src/permissions';",
        "import { formatDate } from '../format';",
        'export type Api = Operations;',
        'export const parts = [useState, createRoot, useVirtualizer, OPERATION_NAMES, parsePermission, formatDate];',
        'export const title = window.document.title;',
        '',
      ].join('\n'),
    );
    expect(fired).toEqual([]);
  });
});

describe('the raw IPC rule', () => {
  it.each([
    "import { ipcMain as channel } from 'electron';\nchannel.handle('x', () => 1);",
    "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);",
    "import * as electron from 'electron';\nelectron.ipcMain.handle('x', () => 1);",
    "import electron from 'electron';\nconst { ipcMain } = electron;\nipcMain.on('x', () => 1);",
  ])('refuses raw IPC outside the wrappers: %s', async (code) => {
    const fired = await rulesFiredFor('main/window.ts', `${code}\n`);
    expect(
      fired.some((id) =>
        ['no-restricted-imports', 'no-restricted-properties'].includes(id),
      ),
    ).toBe(true);
  });

  it('accepts raw IPC in main/ipc.ts and other Electron imports elsewhere', async () => {
    const wrapper = await rulesFiredFor(
      'main/ipc.ts',
      "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);\n",
    );
    const shell = await rulesFiredFor(
      'main/window.ts',
      "import { app, BrowserWindow } from 'electron';\nexport const parts = [app, BrowserWindow];\n",
    );
    expect([...wrapper, ...shell]).toEqual([]);
  });
});
