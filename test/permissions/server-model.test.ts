import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGreenfieldClient } from '../../src/greenfield';
import {
  CATALOGUE_MODEL,
  describePermission,
  grants,
  permissionModelForServer,
  riskClasses,
  sameListing,
  type ServerPolicyListing,
} from '../../src/permissions';
import { startSandbox, type Sandbox } from '../sandbox';

// The model for one server, built from the /misc/permissions answer the real
// client fetched from a sandbox that has a plugin installed.

const VIEW_STORE = 'btcpay.store.canviewstoresettings';
const MODIFY_STORE = 'btcpay.store.canmodifystoresettings';
const PLUGIN_EXPORT = 'btcpay.plugin.store.canexportledger';
const PLUGIN_ADMIN = 'btcpay.plugin.tools.canmanagetools';
const PLUGIN_VIEW = 'btcpay.plugin.tools.canviewtools';

let sandbox: Sandbox;
let listing: ServerPolicyListing[];

beforeAll(async () => {
  sandbox = await startSandbox({
    version: '2.4.1',
    pluginPolicies: [
      { name: PLUGIN_EXPORT, title: 'Export ledger', parents: [VIEW_STORE] },
      { name: PLUGIN_ADMIN, title: 'Manage tools', children: [PLUGIN_VIEW] },
      { name: PLUGIN_VIEW, title: 'View tools', parents: [] },
    ],
  });
  const apiKey = sandbox.admin.mintKey('merchant@sandbox.test', []);
  listing = await createGreenfieldClient({
    baseUrl: sandbox.url,
  }).permissionsMetadata({ kind: 'token', apiKey });
});
afterAll(() => sandbox.close());

describe('permissionModelForServer', () => {
  it('is the catalogue for a server that published nothing yet', () => {
    expect(permissionModelForServer(null)).toBe(CATALOGUE_MODEL);
    expect(permissionModelForServer({ permissionListing: null })).toBe(
      CATALOGUE_MODEL,
    );
  });

  it('gives plugin policies the hierarchy the server published', () => {
    const model = permissionModelForServer({ permissionListing: listing });

    expect(grants([`${VIEW_STORE}:S1`], `${PLUGIN_EXPORT}:S1`, model)).toBe(
      true,
    );
    expect(grants([MODIFY_STORE], PLUGIN_EXPORT, model)).toBe(true);
    expect(grants([PLUGIN_ADMIN], PLUGIN_VIEW, model)).toBe(true);
    expect(grants(['unrestricted'], PLUGIN_ADMIN, model)).toBe(true);
    expect(grants([`${VIEW_STORE}:S1`], `${PLUGIN_EXPORT}:S1`)).toBe(false);
  });

  it('describes a plugin policy as known there, and unknown elsewhere', () => {
    const model = permissionModelForServer({ permissionListing: listing });
    const here = describePermission(PLUGIN_ADMIN, { model });
    const elsewhere = describePermission(PLUGIN_ADMIN);

    expect(here.known).toBe(true);
    expect(here.implies.map((p) => p.policy)).toEqual([PLUGIN_VIEW]);
    expect(here.risks).toEqual(['changes-settings']);
    expect(elsewhere.known).toBe(false);
    expect(elsewhere.implies).toEqual([]);
    expect(riskClasses([PLUGIN_VIEW], model)).toEqual(['read-only']);
  });

  it('builds each stored listing once', () => {
    const server = { permissionListing: listing, serverVersion: '2.4.1' };
    expect(permissionModelForServer(server)).toBe(
      permissionModelForServer(server),
    );
  });
});

describe('sameListing', () => {
  it('ignores the order of policies and of what they include', () => {
    const reordered = [...listing]
      .reverse()
      .map((p) => ({ ...p, included: [...p.included].reverse() }));
    expect(sameListing(listing, reordered)).toBe(true);
  });

  it('notices a policy added, removed or rewired', () => {
    const added = [...listing, { name: 'btcpay.plugin.x.cany', included: [] }];
    const removed = listing.filter((p) => p.name !== PLUGIN_EXPORT);
    const rewired = listing.map((p) =>
      p.name === VIEW_STORE
        ? { ...p, included: p.included.filter((c) => c !== PLUGIN_EXPORT) }
        : p,
    );
    for (const changed of [added, removed, rewired]) {
      expect(sameListing(listing, changed)).toBe(false);
    }
    expect(sameListing(null, listing)).toBe(false);
    expect(sameListing(undefined, null)).toBe(true);
  });
});
