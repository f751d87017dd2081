import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataHome, vaultFiles } from '../../src/vault';

describe('dataHome', () => {
  it('uses BTCPAY_KEYS_HOME when it is set', () => {
    expect(
      dataHome({ BTCPAY_KEYS_HOME: '/srv/keys' }, 'linux', '/home/ann'),
    ).toBe('/srv/keys');
  });

  it('follows XDG_CONFIG_HOME on Linux, like Electron', () => {
    expect(dataHome({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann')).toBe(
      '/xdg/BTCPay Key Manager',
    );
    expect(dataHome({}, 'linux', '/home/ann')).toBe(
      '/home/ann/.config/BTCPay Key Manager',
    );
  });

  it('uses Application Support on macOS', () => {
    expect(dataHome({}, 'darwin', '/Users/ann')).toBe(
      '/Users/ann/Library/Application Support/BTCPay Key Manager',
    );
  });

  it('uses APPDATA on Windows', () => {
    expect(
      dataHome(
        { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' },
        'win32',
        'C:\\Users\\ann',
      ),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\BTCPay Key Manager');
  });

  it('ignores an empty BTCPAY_KEYS_HOME', () => {
    expect(dataHome({ BTCPAY_KEYS_HOME: '' }, 'linux', '/home/ann')).toBe(
      '/home/ann/.config/BTCPay Key Manager',
    );
  });
});

describe('vaultFiles', () => {
  it('keeps every vault file inside the data folder', () => {
    const files = vaultFiles('/data');
    for (const file of Object.values(files)) {
      expect(path.dirname(file)).toBe('/data');
    }
    expect(files.metadata).toBe('/data/metadata.json');
    expect(files.events).toBe('/data/events.jsonl');
  });
});
