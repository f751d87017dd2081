// The BTCPay servers of the verification benchmark, in a process of their
// own so their work does not share the measured process's event loop, as
// real servers would not. Starts the sandboxes, mints the merchant's keys,
// prints one JSON line `{ servers: [{ url, keys }] }` and serves until
// SIGTERM. The keys are throwaway sandbox keys handed to the parent over
// its own pipe; nothing is written anywhere else.
import { parseArgs } from 'node:util';
import { startSandbox } from '../test/sandbox/index';

const { values } = parseArgs({
  options: {
    servers: { type: 'string' },
    'keys-per-server': { type: 'string' },
    'latency-ms': { type: 'string' },
    permission: { type: 'string', multiple: true, default: [] },
  },
  strict: true,
});

const sandboxes = await Promise.all(
  Array.from({ length: Number(values.servers) }, () =>
    startSandbox({ latencyMs: Number(values['latency-ms']) }),
  ),
);
const servers = sandboxes.map((sandbox) => ({
  url: sandbox.url,
  keys: Array.from({ length: Number(values['keys-per-server']) }, (_, i) =>
    sandbox.admin.mintKey(
      'merchant@sandbox.test',
      values.permission,
      `bench ${i}`,
    ),
  ),
}));
process.stdout.write(`${JSON.stringify({ servers })}\n`);

process.once('SIGTERM', () => {
  void Promise.all(sandboxes.map((s) => s.close())).then(() => process.exit(0));
});
