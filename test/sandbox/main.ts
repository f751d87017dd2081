// Starts one sandbox from the command line for tests and demos:
//   npm run --silent sandbox -- --port 0 [--base-path /btcpay/] [--version 2.4.1]
//                      [--network mainnet] [--tls] [--latency-ms 50]
// Prints one JSON line with the URL and the accounts, then serves until
// SIGINT or SIGTERM. The passwords are printed on purpose: they are throwaway
// sandbox credentials that the caller needs in order to log in.
import { parseArgs } from 'node:util';
import { startSandbox } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'base-path': { type: 'string', default: '/' },
    version: { type: 'string', default: '2.4.4' },
    network: { type: 'string', default: 'regtest' },
    tls: { type: 'boolean', default: false },
    'latency-ms': { type: 'string', default: '0' },
  },
  strict: true,
});

if (values.network !== 'mainnet' && values.network !== 'regtest') {
  process.stderr.write('--network must be mainnet or regtest\n');
  process.exit(2);
}

const sandbox = await startSandbox({
  port: Number(values.port),
  basePath: values['base-path'],
  version: values.version,
  network: values.network,
  tls: values.tls,
  latencyMs: Number(values['latency-ms']),
});

const users = sandbox.users.map(({ email, password, role, notes }) => ({
  email,
  password,
  role,
  notes,
}));
process.stdout.write(`${JSON.stringify({ url: sandbox.url, users })}\n`);

const stop = (): void => {
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
