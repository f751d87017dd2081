import type { Page } from 'playwright-core';

/**
 * Checks the end-to-end suites run against the page as a user meets it:
 * whether Tab reaches every control, and what colours the theme produced.
 * The DOM snippets run in the page as plain expressions, since the test
 * code is compiled without the DOM's types.
 */

// Tags each visible, enabled control with the Tab stop it is; a radio group
// is one stop (arrow keys move inside it). Answers [stop, description] pairs.
const TAG_CONTROLS = `(() => {
  const stops = new Map();
  const controls = 'a[href], button, input, select, textarea, summary, '
    + '[role=button], [role=link], [role=checkbox], [role=radio], [role=tab], '
    + '[role=switch], [role=menuitem], [role=option], [role=combobox]';
  // Other elements are Tab stops only if they opted in; tabindex -1 marks a
  // container that takes focus from code (the content pane), not a control.
  const selector = controls + ', [tabindex]:not([tabindex="-1"])';
  let index = 0;
  for (const element of document.querySelectorAll(selector)) {
    if (element.matches(':disabled')) continue;
    // Not shown (display: none, a closed <details>, hidden): not a stop yet.
    if (!element.checkVisibility({ visibilityProperty: true })) continue;
    const radioGroup = element.type === 'radio' && element.name;
    const stop = radioGroup ? 'radios:' + element.name : 'control-' + index++;
    element.setAttribute('data-tab-stop', stop);
    const words = element.getAttribute('aria-label') || element.labels?.[0]?.textContent
      || element.textContent || element.getAttribute('type') || element.tagName;
    stops.set(stop, element.tagName.toLowerCase() + ' "' + words.trim().slice(0, 50) + '"');
  }
  return [...stops];
})()`;

const FOCUSED_STOP =
  "document.activeElement?.getAttribute('data-tab-stop') ?? null";

/**
 * Presses Tab through the page and answers how many Tab stops it has and
 * the ones Tab never reached, described for the failure message.
 */
export async function tabStopsMissed(
  page: Page,
): Promise<{ stops: number; missed: string[] }> {
  const stops = new Map(
    (await page.evaluate(TAG_CONTROLS)) as [string, string][],
  );
  const reached = new Set<string>();
  // Enough presses to go round the whole page once, wherever focus starts.
  for (let press = 0; press < stops.size + 10; press += 1) {
    if (reached.size === stops.size) break;
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(FOCUSED_STOP);
    if (typeof stop === 'string') reached.add(stop);
  }
  const missed = [...stops]
    .filter(([stop]) => !reached.has(stop))
    .map(([, what]) => what);
  return { stops: stops.size, missed };
}

/** The page's background colour as the browser computed it. */
export async function backgroundColour(page: Page): Promise<string> {
  return String(
    await page.evaluate('getComputedStyle(document.body).backgroundColor'),
  );
}

/** How far the content pane and the sidebar moved, in pixels. */
export async function scrollPositions(
  page: Page,
): Promise<{ contentScrolled: number; sidebarTop: number }> {
  const [contentScrolled, sidebarTop] = (await page.evaluate(
    "[document.querySelector('main').scrollTop + document.scrollingElement.scrollTop, document.querySelector('.sidebar').getBoundingClientRect().top]",
  )) as [number, number];
  return { contentScrolled, sidebarTop };
}
