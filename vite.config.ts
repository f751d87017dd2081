import react from '@vitejs/plugin-react';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// One config, three outputs: the Electron main process (ESM), the sandboxed
// preload (CommonJS, the only format sandboxed preloads load) and the React
// renderer. `vite build` builds all three through the environments API.

const root = path.dirname(fileURLToPath(import.meta.url));
const from = (...parts: string[]) => path.join(root, ...parts);

const packageJson = JSON.parse(readFileSync(from('package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};

// Main loads Node built-ins, Electron and the packaged dependencies (keytar is
// native) at run time instead of bundling them.
const nodeExternals = [
  'electron',
  /^electron\//,
  /^node:/,
  ...builtinModules,
  ...Object.keys(packageJson.dependencies ?? {}).map(
    (name) => new RegExp(`^${name}(/.*)?$`),
  ),
];

export default defineConfig({
  root: from('renderer'),
  base: './',
  publicDir: false,
  plugins: [react()],
  builder: {
    async buildApp(builder) {
      const { client, main, preload } = builder.environments;
      if (!client || !main || !preload) throw new Error('missing environment');
      await builder.build(main);
      await builder.build(preload);
      await builder.build(client);
    },
  },
  environments: {
    client: {
      build: {
        outDir: from('dist', 'renderer'),
        emptyOutDir: true,
        target: 'chrome140',
        chunkSizeWarningLimit: 600,
      },
    },
    main: {
      consumer: 'server',
      build: {
        outDir: from('dist', 'main'),
        emptyOutDir: true,
        target: 'node22',
        ssr: true,
        minify: false,
        rolldownOptions: {
          input: { main: from('main', 'main.ts') },
          external: nodeExternals,
          output: { format: 'es', entryFileNames: '[name].js' },
        },
      },
    },
    preload: {
      consumer: 'server',
      build: {
        outDir: from('dist', 'main'),
        emptyOutDir: false,
        target: 'node22',
        ssr: true,
        minify: false,
        rolldownOptions: {
          input: { preload: from('main', 'preload.ts') },
          external: ['electron'],
          output: { format: 'cjs', entryFileNames: '[name].cjs' },
        },
      },
    },
  },
});
