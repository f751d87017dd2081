import { z } from 'zod';

/** The longest label the app and the command line give a key. */
export const KEY_LABEL_MAX = 200;

/**
 * A key's label as the app and the command line accept it from a person.
 * A label BTCPay already holds may be longer; it is stored as it is.
 */
export const KeyLabel = z
  .string()
  .min(1)
  .max(KEY_LABEL_MAX)
  .refine((label) => label.trim() !== '', 'A label cannot be only blanks.');
