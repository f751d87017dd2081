import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { newKeychainNamespace } from './ids';
import { vaultFiles } from './paths';
import { MetadataDocument, emptyMetadata } from './schema';

/**
 * What metadata files set aside as damaged still say about keys. A file is
 * set aside when it cannot be used as a whole, but often most of it is
 * intact, and its records tell which server and label an orphaned keychain
 * entry belonged to.
 */

/** One key record as a set-aside file remembers it. */
export interface RememberedKey {
  id: string;
  label: string | null;
  /** Base URL of its server, when the file still names it. */
  serverUrl: string | null;
  /** To check the memory is about this very secret before trusting it. */
  fingerprint: string | null;
  /** The set-aside file it was read from. */
  file: string;
}

/**
 * The key records of every set-aside metadata file in `home` that still
 * parses as JSON, newest file first, for the given ids. A file that does
 * not parse at all says nothing and is skipped; files are only read.
 */
export async function rememberedKeys(
  home: string,
  ids: readonly string[],
): Promise<RememberedKey[]> {
  if (ids.length === 0) return [];
  const wanted = new Set(ids);
  const found = new Map<string, RememberedKey>();
  for (const file of await setAsideFiles(home)) {
    for (const key of await recordsIn(file)) {
      if (wanted.has(key.id) && !found.has(key.id)) found.set(key.id, key);
    }
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

/**
 * The metadata files set aside as damaged in `home`, newest first, as full
 * paths. Only the folder is listed; none of the files is opened.
 */
export async function setAsideFiles(home: string): Promise<string[]> {
  const metadata = vaultFiles(home).metadata;
  const prefix = `${path.basename(metadata)}.unreadable-`;
  const names = await readdir(home).catch(() => [] as string[]);
  // The names carry the time they were set aside: newest first.
  return names
    .filter((name) => name.startsWith(prefix))
    .sort()
    .reverse()
    .map((name) => path.join(home, name));
}

/**
 * The document a folder without a metadata file starts with: empty, but
 * with the keychain namespace of the newest set-aside file, so the secrets
 * that file's keys left in the keychain are still this folder's to list
 * and adopt. A folder with nothing set aside gets a new namespace.
 */
export async function startingMetadata(
  home: string,
): Promise<MetadataDocument> {
  const [newest] = await setAsideFiles(home);
  if (newest === undefined) return emptyMetadata(newKeychainNamespace());
  const text = await readFile(newest, 'utf8').catch(() => '');
  return emptyMetadata(namespaceNamedIn(text));
}

/**
 * The keychain namespace a possibly damaged metadata text names. Found by
 * a plain search, as the text need not parse. Bare ids (null) only for a
 * text that says so: a `null` namespace, or version 1, written before
 * namespaces. Any other text gets a new namespace: taken for an old one,
 * it would let this folder list, adopt and delete the entries of every old
 * folder on the keychain.
 *
 * LIMITATION: a namespaced file damaged so badly that its namespace cannot
 * be read leaves its entries in the keychain, but no folder lists them.
 * Fixing it needs the namespace kept outside the metadata file too.
 */
function namespaceNamedIn(text: string): string | null {
  const named = /"keychainNamespace"\s*:\s*"([^"]*)"/.exec(text)?.[1];
  const valid = MetadataDocument.shape.keychainNamespace.safeParse(named);
  if (valid.success && valid.data !== null) return valid.data;
  const old =
    /"keychainNamespace"\s*:\s*null\b/.test(text) ||
    /"version"\s*:\s*1\s*[,}\s]/.test(text);
  return old ? null : newKeychainNamespace();
}

async function recordsIn(file: string): Promise<RememberedKey[]> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return [];
  }
  const servers = new Map(
    listOf(document, 'servers').flatMap((server) => {
      const id = text(server, 'id');
      const baseUrl = text(server, 'baseUrl');
      return id && baseUrl ? [[id, baseUrl] as const] : [];
    }),
  );
  return listOf(document, 'keys').flatMap((key) => {
    const id = text(key, 'id');
    if (!id) return [];
    const serverId = text(key, 'serverId');
    return [
      {
        id,
        label: text(key, 'label'),
        serverUrl: serverId ? (servers.get(serverId) ?? null) : null,
        fingerprint: text(key, 'fingerprint'),
        file,
      },
    ];
  });
}

function listOf(value: unknown, field: string): unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  const list = (value as Record<string, unknown>)[field];
  return Array.isArray(list) ? list : [];
}

function text(value: unknown, field: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const found = (value as Record<string, unknown>)[field];
  return typeof found === 'string' && found.length > 0 ? found : null;
}
