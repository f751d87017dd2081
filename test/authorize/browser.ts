import type { Browser, Page } from 'playwright-core';

/**
 * Real Chromium playing the merchant on the sandbox's authorize page: sign
 * in, pick a store when asked, then approve or cancel.
 */

export { launchChromium } from '../support/chromium';

export interface MerchantScript {
  email: string;
  password: string;
  /** What the merchant does on the consent page. */
  choice: 'approve' | 'cancel';
  /** The store to pick when BTCPay asks for one. */
  storeId?: string;
}

/**
 * An `openBrowser` for the flow that opens a fresh browser profile and plays
 * the merchant's part. `finished` waits for the browser to be opened, then
 * resolves with the page once the merchant is done: on the receiver's page
 * after approving, on BTCPay's key list after Cancel.
 */
export function merchantBrowser(
  browser: Browser,
  script: MerchantScript,
): {
  openBrowser: (url: string) => Promise<boolean>;
  finished: () => Promise<Page>;
} {
  let startPlaying: (url: string) => void = () => {};
  const played = new Promise<string>((resolve) => {
    startPlaying = resolve;
  }).then((url) => playMerchant(browser, url, script));
  // Surface a failed script through `finished`, not as an unhandled error.
  played.catch(() => undefined);
  return {
    openBrowser: async (url) => {
      startPlaying(url);
      return true;
    },
    finished: () => played,
  };
}

/** Plays the merchant on an authorize URL printed or reported elsewhere. */
export async function playMerchant(
  browser: Browser,
  url: string,
  script: MerchantScript,
): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.fill('#Email', script.email);
  await page.fill('#Password', script.password);
  await page.click('#LoginButton');

  if (script.storeId !== undefined) {
    await page.selectOption('#StoreId', script.storeId);
    await page.click('#continue');
  }
  if (script.choice === 'cancel') {
    await page.click('#consent-no');
    await page.waitForLoadState('load');
    return page;
  }
  await page.click('#consent-yes');
  // BTCPay's page submits the form to the receiver by itself.
  await page.waitForFunction("document.title === 'Key received'");
  return page;
}
