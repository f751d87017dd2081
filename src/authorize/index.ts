/**
 * The browser authorize flow: BTCPay authorize URLs, the loopback receiver
 * the key is posted to, and the flow that verifies and stores it.
 */
export {
  buildAuthorizeUrl,
  readAuthorizeUrl,
  type AuthorizeRequest,
  type ReadAuthorizeUrl,
} from './request';
export { authorizeWarnings, listOf, type AuthorizeWarning } from './warnings';
export { durationInWords } from './duration';
export {
  DEFAULT_CALLBACK_TIMEOUT_MS,
  startCallbackReceiver,
  type CallbackReceiver,
  type CallbackReceiverOptions,
  type CallbackResult,
} from './receiver';
export {
  MANAGER_RISK,
  runAuthorizeFlow,
  type AuthorizeFlowOptions,
  type AuthorizeFlowResult,
  type AuthorizeFlowSuccess,
  type FlowWarning,
} from './flow';
export type { AuthorizeFlowFailure } from './flow-failures';
export {
  isBrowsableUrl,
  openSystemBrowser,
  openWithSystem,
} from './open-browser';
