import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { KeyManagerApi } from '../src/contract/api';
import type { AppEvent } from '../src/contract/events';
import {
  EVENT_CHANNEL,
  OPERATION_NAMES,
  channelOf,
} from '../src/contract/names';

/**
 * Exposes `window.btcpayKeys`: one named method per contract operation and an
 * event subscription. The page never sees `ipcRenderer` itself.
 */

const operations = Object.fromEntries(
  OPERATION_NAMES.map((name) => [
    name,
    (request: unknown) => ipcRenderer.invoke(channelOf(name), request ?? {}),
  ]),
);

function onEvent(listener: (event: AppEvent) => void): () => void {
  const forward = (_event: IpcRendererEvent, appEvent: AppEvent) =>
    listener(appEvent);
  ipcRenderer.on(EVENT_CHANNEL, forward);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
}

const api = { ...operations, onEvent } as unknown as KeyManagerApi;

contextBridge.exposeInMainWorld('btcpayKeys', api);
