// Builds the `btcpay-keys` command line into dist/cli with Vite, so that the
// installed command starts from plain JavaScript (fast cold start) rather than
// compiling TypeScript on every run. Runs on `npm ci` through `prepare`.
import { build } from 'vite';
import { builtinModules } from 'node:module';
import { existsSync } from 'node:fs';

const entry = 'src/cli/main.ts';
if (!existsSync(entry)) {
  console.log(`build-cli: ${entry} does not exist yet; nothing to build.`);
  process.exit(0);
}

await build({
  configFile: false,
  logLevel: 'warn',
  // zod loads as dozens of small ES modules; bundled with commander, the
  // cold start costs about a fifth less. CommonJS dependencies stay
  // external: bundled, their interop breaks (signal-exit, for one).
  ssr: { noExternal: ['zod', 'commander'] },
  build: {
    ssr: entry,
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rollupOptions: {
      external: [...builtinModules, /^node:/],
      output: { entryFileNames: 'btcpay-keys.js', format: 'es' },
    },
  },
});
