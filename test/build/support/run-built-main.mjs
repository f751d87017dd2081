// Runs the built main process (dist/main/main.js) against fake-electron.mjs
// and reports, as one JSON line on stdout, what it set up: the window's
// options and what its own guards answer. It then serves the renderer over
// http://127.0.0.1 through the app-scheme handler the build registered
// (status, headers and body exactly as that handler answers), until killed.
//   node --import ./electron-hooks.mjs run-built-main.mjs DIST_MAIN_JS
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const [mainJs = ''] = process.argv.slice(2);
await import(pathToFileURL(mainJs).href);
const record = globalThis.builtMainRecord;
const [window] = record.windows;
if (!window) {
  process.stderr.write(`no window was created: ${record.errors.join('; ')}\n`);
  process.exit(2);
}

/** Whether main's listener for `name` prevents an event for `url`. */
function prevents(name, url) {
  const event = { url, prevented: false, preventDefault() {} };
  event.preventDefault = () => (event.prevented = true);
  for (const listener of window.contentsEvents.get(name) ?? []) {
    listener(event, url);
  }
  return event.prevented;
}

function permissionAnswer(permission) {
  let granted = null;
  record.permissionRequestHandler?.({}, permission, (answer) => {
    granted = answer;
  });
  return granted;
}

function headersFor(foreign) {
  let answer = null;
  record.headersReceivedHandler?.(
    { url: 'https://elsewhere.example/', responseHeaders: foreign },
    (result) => (answer = result),
  );
  return answer;
}

const appHandler = record.protocolHandlers.get('app');
const server = createServer(async (request, response) => {
  const answer = await appHandler(
    new Request(`app://keys${request.url}`, { method: request.method }),
  );
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  response.end(Buffer.from(await answer.arrayBuffer()));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const report = {
  port: server.address().port,
  errors: record.errors,
  webPreferences: window.options.webPreferences,
  loadedUrl: window.loadedUrl,
  privilegedSchemes: record.privilegedSchemes,
  protocolSchemes: [...record.protocolHandlers.keys()],
  windowOpen: window.windowOpenHandler?.({ url: 'https://evil.example/' }),
  preventsNavigation: {
    app: prevents('will-navigate', 'app://keys/index.html'),
    web: prevents('will-navigate', 'https://evil.example/'),
    file: prevents('will-navigate', 'file:///etc/passwd'),
    lookAlike: prevents('will-navigate', 'app://keys.evil/index.html'),
    redirect: prevents('will-redirect', 'https://evil.example/'),
    subframe: prevents('will-frame-navigate', 'https://evil.example/'),
    webview: prevents('will-attach-webview', ''),
  },
  permissions: {
    camera: permissionAnswer('media'),
    notifications: permissionAnswer('notifications'),
    clipboard: permissionAnswer('clipboard-read'),
    check: record.permissionCheckHandler?.({}, 'media') ?? null,
  },
  foreignResponseHeaders: headersFor({
    'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
    'Content-Type': ['text/html'],
  }),
  ipcChannelCount: record.ipcChannels.length,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
