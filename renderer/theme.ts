import type { Settings } from '../src/contract';

/**
 * Applies the theme: `system` follows the OS through prefers-color-scheme in
 * the stylesheet; light and dark override it.
 */
export function applyTheme(theme: Settings['theme']): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset['theme'];
  else root.dataset['theme'] = theme;
}
