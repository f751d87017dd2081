import { createGreenfieldClient, type GreenfieldClient } from '../greenfield';

/** The Greenfield client the key operations talk to a server with. */
export type ServerClient = GreenfieldClient;

/** Makes a client for a server's base URL; tests and the app may swap it. */
export type ClientFactory = (baseUrl: string) => ServerClient;

/** Options every key operation that reaches a server accepts. */
export interface ServerCallOptions {
  /** Defaults to a plain Greenfield client for the server's base URL. */
  clientFor?: ClientFactory;
}

/** The client for `baseUrl`, from the caller's factory or a default one. */
export function clientForServer(
  baseUrl: string,
  options: ServerCallOptions,
): ServerClient {
  return options.clientFor
    ? options.clientFor(baseUrl)
    : createGreenfieldClient({ baseUrl });
}
