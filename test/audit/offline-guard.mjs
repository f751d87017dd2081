// Loaded with `node --import` before the command line under test. Any
// attempt to open a network connection, resolve a name or send a datagram
// ends the process with code 99 and says what was tried. Local (unix)
// sockets, such as the D-Bus session bus the keychain talks over, are let
// through but recorded; at exit the guard prints them and the native modules
// loaded, so a test can tell whether the keychain was approached at all.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

function refuse(what) {
  process.stderr.write(`OFFLINE-GUARD: blocked ${what}\n`);
  process.exit(99);
}

const localSockets = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect hands over its parsed arguments as [options, callback].
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  const socketPath =
    typeof options === 'string' ? options : (options?.path ?? null);
  if (socketPath === null) refuse('a network connection');
  localSockets.push(socketPath);
  return connect.apply(this, args);
};
// Every way to ask a name server, callback or promise, module function or
// Resolver method: lookup, lookupService, reverse and all the resolve*.
const asksNameServer = (name) =>
  name.startsWith('lookup') || name.startsWith('resolve') || name === 'reverse';
const dnsApis = [
  dns,
  dns.promises,
  dns.Resolver.prototype,
  dns.promises.Resolver.prototype,
];
for (const api of dnsApis) {
  for (const name of Object.getOwnPropertyNames(api)) {
    if (asksNameServer(name) && typeof api[name] === 'function') {
      api[name] = () => refuse(`a DNS query (${name})`);
    }
  }
}
dgram.Socket.prototype.send = () => refuse('a datagram');
globalThis.fetch = () => refuse('a fetch');
// `import { resolve4 } from 'node:dns'` sees the patched functions too.
syncBuiltinESMExports();

const nativeModules = [];
const dlopen = process.dlopen;
process.dlopen = function recordingDlopen(module, filename, ...rest) {
  nativeModules.push(filename);
  return dlopen.call(this, module, filename, ...rest);
};
process.on('exit', () => {
  process.stderr.write(
    `OFFLINE-GUARD: native modules ${JSON.stringify(nativeModules)}\n` +
      `OFFLINE-GUARD: local sockets ${JSON.stringify(localSockets)}\n`,
  );
});
