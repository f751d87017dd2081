/**
 * The typed contract between the UI and the core. Pure: zod only, no Node
 * built-ins, so the renderer may import it.
 */
export * from './result';
export * from './views';
export * from './events';
export * from './names';
export * from './operations';
export type * from './api';
