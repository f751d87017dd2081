/** The screens of the app and how to reach them. */
export type Route =
  | { screen: 'keys'; notice?: string }
  | { screen: 'key'; keyId: string; notices?: string[] }
  | { screen: 'new-key'; serverId?: string }
  | { screen: 'servers' }
  | { screen: 'audit' }
  | { screen: 'log' }
  | { screen: 'delegations' }
  | { screen: 'settings' };

/** Moves to another screen. */
export type Navigate = (route: Route) => void;

/** The entries of the main navigation, in order. */
export const NAVIGATION: { screen: Route['screen']; label: string }[] = [
  { screen: 'keys', label: 'Keys' },
  { screen: 'new-key', label: 'New key' },
  { screen: 'servers', label: 'Servers' },
  { screen: 'audit', label: 'Audit' },
  { screen: 'log', label: 'Event log' },
  { screen: 'delegations', label: 'App access' },
  { screen: 'settings', label: 'Settings' },
];
