// `node --import` this file to make `electron` resolve to the stand-in in
// fake-electron.mjs, for running the built main process under plain Node.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      const fake = ${JSON.stringify(new URL('./fake-electron.mjs', import.meta.url).href)};
      export async function resolve(specifier, context, next) {
        if (specifier === 'electron') return { url: fake, shortCircuit: true };
        return next(specifier, context);
      }
    `),
);
