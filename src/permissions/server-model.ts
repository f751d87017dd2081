/**
 * The permission model for one stored server: the catalogue plus the policy
 * list that server published at `GET /misc/permissions`, so plugin policies
 * are known there with their place in the hierarchy.
 */
import {
  CATALOGUE_MODEL,
  createPermissionModel,
  type PermissionModel,
  type ServerPolicyListing,
} from './model';

/** What a stored server record says about the permissions it defines. */
export interface ServerPermissionFacts {
  /** The server's `/misc/permissions` answer as last fetched; null if never. */
  permissionListing?: readonly ServerPolicyListing[] | null;
  serverVersion?: string | null;
}

// Keyed by the stored listing itself: a metadata read hands out the same
// arrays until the record changes, so each server's model is built once.
const modelsByListing = new WeakMap<
  readonly ServerPolicyListing[],
  PermissionModel
>();

/**
 * The model to describe a server's keys with. Without a stored listing (an
 * unknown server, or one no key has asked yet) it is the catalogue's.
 */
export function permissionModelForServer(
  server: ServerPermissionFacts | null | undefined,
): PermissionModel {
  const listing = server?.permissionListing;
  if (!listing) return CATALOGUE_MODEL;
  const remembered = modelsByListing.get(listing);
  if (
    remembered &&
    remembered.serverVersion === (server.serverVersion ?? null)
  ) {
    return remembered;
  }
  const model = createPermissionModel(
    listing,
    server.serverVersion ? { serverVersion: server.serverVersion } : {},
  );
  modelsByListing.set(listing, model);
  return model;
}

/**
 * Whether two listings say the same thing, whatever their order: a server
 * record is only rewritten when what the server publishes changed.
 */
export function sameListing(
  a: readonly ServerPolicyListing[] | null | undefined,
  b: readonly ServerPolicyListing[] | null | undefined,
): boolean {
  if (!a || !b) return !a && !b;
  return canonical(a) === canonical(b);
}

function canonical(listing: readonly ServerPolicyListing[]): string {
  return JSON.stringify(
    [...listing]
      .map(({ name, included }) => [name, [...included].sort()] as const)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
  );
}
