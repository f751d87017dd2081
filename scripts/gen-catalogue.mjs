// Turns BTCPay's v2.4.1 permission list (../shared) into project source,
// src/permissions/catalogue.ts, so the app never reads ../shared at run time.
// The hierarchy, kinds and BTCPay's own labels come from the shared file; the
// plain-word titles, descriptions, release versions and risk flags are ours
// and live in the tables below, so a new BTCPay list fails loudly here until
// someone has written words for every new policy.
//
//   node scripts/gen-catalogue.mjs            write the catalogue
//   node scripts/gen-catalogue.mjs --check    exit 1 if the committed one is stale
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as prettier from 'prettier';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourcePath = path.resolve(
  root,
  '../shared/greenfield/permissions-v2.4.1.json',
);
const outputPath = path.join(root, 'src/permissions/catalogue.ts');

// The first BTCPay release whose source defines each policy, read from the
// upstream release tags. BTCPay reports versions with four parts in the 1.0.x
// era, so those stay as four parts here.
const GREENFIELD_START = '1.0.3.165';
const ADDED_IN = {
  unrestricted: GREENFIELD_START,
  'btcpay.impersonation.canimpersonate': '2.3.8',
  'btcpay.server.canmodifyserversettings': GREENFIELD_START,
  'btcpay.server.cancreateuser': GREENFIELD_START,
  'btcpay.server.canuseinternallightningnode': '1.0.5.0',
  'btcpay.server.cancreatelightninginvoiceinternalnode': '1.0.5.0',
  'btcpay.server.canviewusers': '1.4.6',
  'btcpay.server.canviewlightninginvoiceinternalnode': '1.7.4',
  'btcpay.server.canmanageusers': '1.8.0',
  'btcpay.store.canmodifystoresettings': GREENFIELD_START,
  'btcpay.store.canviewstoresettings': GREENFIELD_START,
  'btcpay.store.cancreateinvoice': GREENFIELD_START,
  'btcpay.store.canuselightningnode': '1.0.5.0',
  'btcpay.store.cancreatelightninginvoice': '1.0.5.0',
  'btcpay.store.canmanagepullpayments': '1.0.5.0',
  'btcpay.store.canmodifypaymentrequests': '1.0.5.0',
  'btcpay.store.canviewpaymentrequests': '1.0.5.0',
  'btcpay.store.canviewinvoices': '1.0.5.6',
  'btcpay.store.webhooks.canmodifywebhooks': '1.0.6.0',
  'btcpay.store.canmodifyinvoices': '1.2.0',
  'btcpay.store.canviewlightninginvoice': '1.7.4',
  'btcpay.store.cancreatepullpayments': '1.7.6',
  'btcpay.store.cancreatenonapprovedpullpayments': '1.7.6',
  'btcpay.store.canarchivepullpayments': '1.11.5',
  'btcpay.store.canviewpullpayments': '1.12.0',
  'btcpay.store.canviewreports': '1.12.0',
  'btcpay.store.canmanagepayouts': '1.12.0',
  'btcpay.store.canviewpayouts': '1.12.0',
  'btcpay.store.canviewofferings': '2.3.0',
  'btcpay.store.canmodifyofferings': '2.3.0',
  'btcpay.store.canmanagesubscribers': '2.3.0',
  'btcpay.store.cancreditsubscribers': '2.3.0',
  'btcpay.store.cansendstoreemails': '2.4.0',
  'btcpay.store.canmanagewallets': '2.4.0',
  'btcpay.store.canmanagewalletsettings': '2.4.0',
  'btcpay.store.canmanagewallettransactions': '2.4.0',
  'btcpay.store.canviewwallet': '2.4.0',
  'btcpay.store.cancreatetransactions': '2.4.0',
  'btcpay.store.cansigntransactions': '2.4.0',
  'btcpay.store.canbroadcasttransactions': '2.4.0',
  'btcpay.store.cancanceltransactions': '2.4.0',
  'btcpay.user.canmodifyprofile': GREENFIELD_START,
  'btcpay.user.canviewprofile': GREENFIELD_START,
  'btcpay.user.candeleteuser': '1.2.0',
  'btcpay.user.canmanagenotificationsforuser': '1.0.6.3',
  'btcpay.user.canviewnotificationsforuser': '1.0.6.3',
};

// Our words for a merchant, and the risk each policy carries by itself (what
// it implies adds its own risks at run time). Flags: U unrestricted,
// A server administration, F moves funds, S changes settings or store data,
// R read-only. A policy with no flag writes something harmless on its own,
// such as a new invoice.
const FLAGS = {
  U: 'unrestricted',
  A: 'server-admin',
  F: 'moves-funds',
  S: 'changes-settings',
  R: 'read-only',
};
const WORDS = {
  unrestricted: [
    'U',
    'Everything your account can do',
    'Acts as you in every way the API allows, including any permission BTCPay adds later. Only give this to software you would trust with your password.',
  ],
  'btcpay.impersonation.canimpersonate': [
    'A',
    'Act as another user',
    'Lets the app sign in as another account: yourself, or, for an admin, any account that is not an admin. The scope names the user.',
  ],
  'btcpay.server.canmodifyserversettings': [
    'AS',
    'Administer the server',
    'Changes any server setting, manages user accounts and spends from the server’s own Lightning node. It does not list users.',
  ],
  'btcpay.server.canmanageusers': [
    'AS',
    'Manage user accounts',
    'Creates accounts and creates or deletes API keys on behalf of other users.',
  ],
  'btcpay.server.cancreateuser': [
    'AS',
    'Create user accounts',
    'Adds new user accounts to the server.',
  ],
  'btcpay.server.canviewusers': [
    'AR',
    'See all user accounts',
    'Lists every account on the server with its email address.',
  ],
  'btcpay.server.canuseinternallightningnode': [
    'AF',
    'Spend from the server’s Lightning node',
    'Pays Lightning invoices, opens channels and connects to peers with the node that belongs to the whole server.',
  ],
  'btcpay.server.cancreatelightninginvoiceinternalnode': [
    'A',
    'Request payments on the server’s Lightning node',
    'Makes new Lightning invoices on the node that belongs to the whole server. Receiving only; it cannot pay out.',
  ],
  'btcpay.server.canviewlightninginvoiceinternalnode': [
    'AR',
    'See invoices on the server’s Lightning node',
    'Reads Lightning invoices made on the node that belongs to the whole server.',
  ],
  'btcpay.store.canmodifystoresettings': [
    'S',
    'Run the store',
    'Changes store settings and holds every store permission below it: invoices, payment requests, pull payments, payouts, Lightning, wallets, emails, webhooks and subscriptions. It cannot create a new store unless it covers all stores.',
  ],
  'btcpay.store.canviewstoresettings': [
    'R',
    'See store settings',
    'Reads store settings, invoices, payment requests, reports, pull payments and payouts. It does not show wallet balances or subscription offerings.',
  ],
  'btcpay.store.canviewinvoices': [
    'R',
    'See invoices',
    'Reads invoices and whether they have been paid.',
  ],
  'btcpay.store.cancreateinvoice': [
    '',
    'Create invoices',
    'Makes new invoices for customers to pay. It cannot read them back or change them.',
  ],
  'btcpay.store.canmodifyinvoices': [
    'S',
    'Change invoices',
    'Reads and creates invoices, archives them and can mark them paid or invalid by hand.',
  ],
  'btcpay.store.webhooks.canmodifywebhooks': [
    'S',
    'Manage webhooks',
    'Adds, changes and removes the addresses BTCPay notifies when something happens in the store.',
  ],
  'btcpay.store.cansendstoreemails': [
    '',
    'Send emails as the store',
    'Sends emails through the store’s mail settings, in the store’s name.',
  ],
  'btcpay.store.canviewreports': [
    'R',
    'See reports',
    'Reads the store’s sales and payment reports.',
  ],
  'btcpay.store.canviewpaymentrequests': [
    'R',
    'See payment requests',
    'Reads the store’s payment requests.',
  ],
  'btcpay.store.canmodifypaymentrequests': [
    'S',
    'Manage payment requests',
    'Creates, edits and deletes payment requests, and reads them.',
  ],
  'btcpay.store.canuselightningnode': [
    'F',
    'Spend from the store’s Lightning node',
    'Pays Lightning invoices, opens channels and connects to peers with the store’s node, and makes and reads its invoices.',
  ],
  'btcpay.store.canviewlightninginvoice': [
    'R',
    'See Lightning invoices',
    'Reads invoices made directly on the store’s Lightning node.',
  ],
  'btcpay.store.cancreatelightninginvoice': [
    '',
    'Request Lightning payments',
    'Makes invoices directly on the store’s Lightning node and reads them. Receiving only; it cannot pay out.',
  ],
  'btcpay.store.canmanagepullpayments': [
    'F',
    'Manage pull payments',
    'Creates, archives and reads pull payments: links that let someone claim money from the store.',
  ],
  'btcpay.store.cancreatepullpayments': [
    'F',
    'Create pull payments',
    'Creates links that let someone claim money from the store, including refunds, and reads them.',
  ],
  'btcpay.store.cancreatenonapprovedpullpayments': [
    'F',
    'Create pull payments that wait for approval',
    'Creates claim links whose payouts someone must still approve before money leaves, and reads pull payments.',
  ],
  'btcpay.store.canarchivepullpayments': [
    'S',
    'Archive pull payments',
    'Closes pull payments so no one can claim from them any more.',
  ],
  'btcpay.store.canviewpullpayments': [
    'R',
    'See pull payments',
    'Reads the store’s pull payments.',
  ],
  'btcpay.store.canmanagepayouts': [
    'F',
    'Manage payouts',
    'Approves, cancels and marks payouts paid, which decides where the store’s money goes, and reads them.',
  ],
  'btcpay.store.canviewpayouts': [
    'R',
    'See payouts',
    'Reads the store’s payouts.',
  ],
  'btcpay.store.canmanagewallets': [
    'S',
    'Manage on-chain wallets',
    'Changes wallet settings and creates, signs, broadcasts and cancels transactions: it can send the store’s bitcoin.',
  ],
  'btcpay.store.canmanagewalletsettings': [
    'S',
    'Change wallet settings',
    'Changes wallet settings and labels, and reads balances and transactions.',
  ],
  'btcpay.store.canmanagewallettransactions': [
    '',
    'Handle wallet transactions',
    'Creates, signs, broadcasts and cancels transactions: it can send the store’s bitcoin.',
  ],
  'btcpay.store.canviewwallet': [
    'R',
    'See wallets',
    'Reads wallet balances and transaction history.',
  ],
  'btcpay.store.cancreatetransactions': [
    '',
    'Prepare wallet transactions',
    'Drafts unsigned transactions. A draft moves nothing until someone signs and broadcasts it.',
  ],
  'btcpay.store.cansigntransactions': [
    'F',
    'Sign wallet transactions',
    'Signs transactions with the keys BTCPay holds for the store, which authorises spending.',
  ],
  'btcpay.store.canbroadcasttransactions': [
    'F',
    'Broadcast wallet transactions',
    'Sends signed transactions to the Bitcoin network, which makes the payment final.',
  ],
  'btcpay.store.cancanceltransactions': [
    'S',
    'Abort pending wallet transactions',
    'Throws away a transaction that is still waiting for signatures, together with the signatures collected so far.',
  ],
  'btcpay.store.canviewofferings': [
    'R',
    'See subscription offerings',
    'Reads the store’s subscription plans and offerings.',
  ],
  'btcpay.store.canmodifyofferings': [
    'S',
    'Manage subscription offerings',
    'Changes subscription plans and offerings, and manages and credits subscribers.',
  ],
  'btcpay.store.canmanagesubscribers': [
    'S',
    'Manage subscribers',
    'Adds, changes and removes the store’s subscribers.',
  ],
  'btcpay.store.cancreditsubscribers': [
    'S',
    'Credit subscribers',
    'Adds credit to a subscriber’s balance.',
  ],
  'btcpay.user.canviewprofile': [
    'R',
    'See your profile',
    'Reads your account details, such as your email address.',
  ],
  'btcpay.user.canmodifyprofile': [
    'S',
    'Change your profile',
    'Reads and changes your account details.',
  ],
  'btcpay.user.candeleteuser': [
    'S',
    'Delete your account',
    'Deletes your own BTCPay account for good.',
  ],
  'btcpay.user.canviewnotificationsforuser': [
    'R',
    'See your notifications',
    'Reads the notifications BTCPay shows you.',
  ],
  'btcpay.user.canmanagenotificationsforuser': [
    'S',
    'Manage your notifications',
    'Reads your notifications, marks them read and deletes them.',
  ],
};

/** Reads the shared list and fails on anything our tables do not cover. */
function readSharedPolicies() {
  if (!existsSync(sourcePath)) {
    throw new Error(`gen-catalogue: ${sourcePath} is missing.`);
  }
  const shared = JSON.parse(readFileSync(sourcePath, 'utf8'));
  const problems = [];
  for (const entry of shared.policies) {
    if (!WORDS[entry.policy]) problems.push(`no words for ${entry.policy}`);
    if (!ADDED_IN[entry.policy]) problems.push(`no version: ${entry.policy}`);
    if (entry.addedIn && entry.addedIn !== ADDED_IN[entry.policy]) {
      problems.push(`version disagrees for ${entry.policy}`);
    }
  }
  const listed = new Set(shared.policies.map((entry) => entry.policy));
  for (const policy of Object.keys(WORDS)) {
    if (!listed.has(policy)) problems.push(`words for unlisted ${policy}`);
  }
  if (problems.length > 0) {
    throw new Error(`gen-catalogue:\n  ${problems.join('\n  ')}`);
  }
  return shared;
}

/** One catalogue entry: the shared facts plus our words. */
function toEntry(shared) {
  const [flags, title, description] = WORDS[shared.policy];
  return {
    policy: shared.policy,
    kind: shared.kind,
    title,
    description,
    serverTitle: shared.title,
    addedIn: ADDED_IN[shared.policy],
    includes: [...shared.includes].sort(),
    risk: [...flags].map((flag) => FLAGS[flag]),
  };
}

// Widest line the catalogue is packed into, as Prettier's print width.
const WIDTH = 80;

/**
 * Packs `key: value` pieces into lines no wider than WIDTH; a piece that is
 * wider on its own (a long description) gets a line to itself. Prettier would
 * spread every field over its own line and make the file three times longer.
 */
function packLines(pieces, indent) {
  const lines = [];
  let line = '';
  for (const piece of pieces) {
    const candidate = line === '' ? piece : `${line} ${piece}`;
    if (line !== '' && indent.length + candidate.length > WIDTH) {
      lines.push(indent + line);
      line = piece;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/** A single-quoted TypeScript string literal, as Prettier writes them. */
function text(value) {
  // Our words are single lines; anything else would break the packing.
  if ([...value].some((char) => char.charCodeAt(0) < 0x20)) {
    throw new Error(`gen-catalogue: control character in ${value}`);
  }
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** One entry as compact, readable TypeScript. */
function renderEntry(entry) {
  const includes = entry.includes.map(text);
  const pieces = [
    `{ policy: ${text(entry.policy)},`,
    `kind: ${entry.kind === null ? 'null' : text(entry.kind)},`,
    `addedIn: ${text(entry.addedIn)},`,
    `risk: [${entry.risk.map(text).join(', ')}],`,
    `title: ${text(entry.title)},`,
    `serverTitle: ${text(entry.serverTitle)},`,
    `description: ${text(entry.description)},`,
    ...(includes.length === 0
      ? ['includes: [] },']
      : [
          `includes: [${includes[0]}${includes.length > 1 ? ',' : '] },'}`,
          ...includes
            .slice(1)
            .map((item, i) =>
              i === includes.length - 2 ? `${item}] },` : `${item},`,
            ),
        ]),
  ];
  // Continuation lines sit deeper than the opening brace.
  const [first = '', ...rest] = packLines(pieces, '    ');
  return [first.slice(2), ...rest].join('\n');
}

/** The TypeScript source of the catalogue; Prettier checks it stays tidy. */
async function render(shared) {
  const entries = shared.policies
    .map(toEntry)
    .sort((a, b) => a.policy.localeCompare(b.policy));
  const source = `// Generated by scripts/gen-catalogue.mjs from BTCPay's v2.4.1 permission
// list. Do not edit by hand: change the generator's tables and run it again.
import type { PolicyKind } from './parse';
import type { PolicyRisk } from './risk';

/** One permission BTCPay defines, in our words, with its direct children. */
export interface CatalogueEntry {
  policy: string;
  kind: PolicyKind;
  /** The first BTCPay release that defines it. */
  addedIn: string;
  /** The risks it carries by itself, before what it includes. */
  risk: readonly PolicyRisk[];
  /** Our short name for the permission, as a merchant would say it. */
  title: string;
  /** The label BTCPay's own pages show, to recognise it in BTCPay's errors. */
  serverTitle: string;
  /** What it lets an app do, in plain words. */
  description: string;
  /** The permissions it directly includes. */
  includes: readonly string[];
}

/** Which BTCPay release the catalogue describes. */
export const CATALOGUE_SERVER_VERSION = '2.4.1';

/** Every permission BTCPay v2.4.1 defines, sorted by policy. */
// prettier-ignore
export const CATALOGUE: readonly CatalogueEntry[] = [
${entries.map(renderEntry).join('\n')}
];
`;
  const options = (await prettier.resolveConfig(outputPath)) ?? {};
  return prettier.format(source, { ...options, filepath: outputPath });
}

const shared = readSharedPolicies();
const output = await render(shared);
if (process.argv.includes('--check')) {
  const current = existsSync(outputPath)
    ? readFileSync(outputPath, 'utf8')
    : '';
  if (current !== output) {
    console.error('gen-catalogue: src/permissions/catalogue.ts is stale.');
    process.exit(1);
  }
  console.log('gen-catalogue: src/permissions/catalogue.ts is current.');
} else {
  writeFileSync(outputPath, output);
  console.log(`gen-catalogue: wrote ${shared.policies.length} policies.`);
}
