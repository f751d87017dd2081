// A stand-in for the `electron` module, so the built main process
// (dist/main/main.js) can run under plain Node where the Electron binary
// cannot. It does nothing a window would do; it records what main asked of
// it (the window's options, the handlers it installed) on
// globalThis.builtMainRecord, for test/build/built-app.test.ts to exercise.
// Any API main uses that is not modelled here is a harmless no-op.

const record = {
  windows: [],
  protocolHandlers: new Map(),
  privilegedSchemes: [],
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  headersReceivedHandler: null,
  ipcChannels: [],
  errors: [],
};
globalThis.builtMainRecord = record;

/** A callable that answers every property and call with another of itself. */
function anything() {
  const target = () => undefined;
  const proxy = new Proxy(target, {
    get: (_t, key) => {
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return () => '';
      return proxy;
    },
    apply: () => proxy,
  });
  return proxy;
}

/** An object with the given members; anything else is `anything()`. */
function modelled(members) {
  return new Proxy(members, {
    get: (target, key) => (key in target ? target[key] : anything()),
  });
}

function listeners() {
  const registered = new Map();
  const add = (name, listener) => {
    registered.set(name, [...(registered.get(name) ?? []), listener]);
  };
  return { registered, on: add, once: add };
}

let nextContentsId = 1;

export class BrowserWindow {
  constructor(options) {
    const events = listeners();
    const contentsEvents = listeners();
    const window = {
      options,
      events: events.registered,
      contentsEvents: contentsEvents.registered,
      windowOpenHandler: null,
      loadedUrl: null,
    };
    record.windows.push(window);
    this.webContents = modelled({
      id: nextContentsId++,
      on: (name, listener) => contentsEvents.on(name, listener),
      once: (name, listener) => contentsEvents.once(name, listener),
      setWindowOpenHandler: (handler) => {
        window.windowOpenHandler = handler;
      },
      send: () => undefined,
      isDestroyed: () => false,
    });
    this.on = (name, listener) => events.on(name, listener);
    this.once = (name, listener) => events.once(name, listener);
    this.loadURL = async (url) => {
      window.loadedUrl = url;
    };
    this.isDestroyed = () => false;
    this.isMinimized = () => false;
    return modelled(this);
  }
}

export const app = modelled({
  whenReady: async () => undefined,
  isReady: () => true,
  requestSingleInstanceLock: () => true,
  setAsDefaultProtocolClient: () => true,
  on: () => app,
  once: () => app,
  quit: () => undefined,
  exit: (code) => record.errors.push(`app.exit(${code})`),
  getPath: () => process.env['BTCPAY_KEYS_HOME'] ?? '',
  getVersion: () => '0.0.0-test',
  isPackaged: false,
});

export const protocol = modelled({
  registerSchemesAsPrivileged: (schemes) => {
    record.privilegedSchemes.push(...schemes);
  },
  handle: (scheme, handler) => {
    record.protocolHandlers.set(scheme, handler);
  },
});

export const session = modelled({
  defaultSession: modelled({
    setPermissionRequestHandler: (handler) => {
      record.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler: (handler) => {
      record.permissionCheckHandler = handler;
    },
    webRequest: modelled({
      onHeadersReceived: (handler) => {
        record.headersReceivedHandler = handler;
      },
    }),
  }),
});

export const ipcMain = modelled({
  handle: (channel) => record.ipcChannels.push(channel),
  on: () => ipcMain,
});

export const dialog = modelled({
  showErrorBox: (title, message) => record.errors.push(`${title}: ${message}`),
});

export const clipboard = modelled({
  readText: () => '',
  writeText: () => undefined,
});

export const shell = modelled({ openExternal: async () => undefined });

// Everything else Electron exports, so a named import of it links.
export const autoUpdater = anything();
export const BaseWindow = anything();
export const BrowserView = anything();
export const contentTracing = anything();
export const contextBridge = anything();
export const crashReporter = anything();
export const desktopCapturer = anything();
export const globalShortcut = anything();
export const inAppPurchase = anything();
export const ipcRenderer = anything();
export const Menu = anything();
export const MenuItem = anything();
export const MessageChannelMain = anything();
export const nativeImage = anything();
export const nativeTheme = anything();
export const net = anything();
export const netLog = anything();
export const Notification = anything();
export const powerMonitor = anything();
export const powerSaveBlocker = anything();
export const pushNotifications = anything();
export const safeStorage = anything();
export const screen = anything();
export const shareMenu = anything();
export const systemPreferences = anything();
export const TouchBar = anything();
export const Tray = anything();
export const utilityProcess = anything();
export const View = anything();
export const webContents = anything();
export const WebContentsView = anything();
export const webFrame = anything();
export const webFrameMain = anything();
export const webUtils = anything();

export default {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
};
