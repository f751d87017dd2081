/**
 * BTCPay's permission model for the whole app: reading permission strings,
 * what they include, how risky they are, what changed between a request and
 * the key BTCPay granted, and plain words for each. Pure: no Node built-in
 * and no I/O, so the React renderer can use it too.
 */
export {
  CATALOGUE,
  CATALOGUE_SERVER_VERSION,
  type CatalogueEntry,
} from './catalogue';
export {
  describePermission,
  scopeLabel,
  type DescribeContext,
  type PermissionDescription,
} from './describe';
export {
  diffPermissions,
  type PermissionDifference,
  type PermissionDifferenceType,
} from './diff';
export {
  expandPermissions,
  grants,
  grantsAll,
  impliedPolicies,
  permissionCovers,
  policyCovers,
} from './hierarchy';
export {
  addedInVersion,
  CATALOGUE_MODEL,
  compareVersions,
  createPermissionModel,
  definitionOf,
  isSupportedBy,
  known,
  unknownPolicies,
  versionParts,
  type PermissionModel,
  type PolicyDefinition,
  type ServerPolicyListing,
} from './model';
export {
  formatPermission,
  isWellFormedPolicy,
  parsePermission,
  policyKind,
  type ParsedPermission,
  type Permission,
  type PolicyKind,
} from './parse';
export { PRESETS, type PermissionPreset } from './presets';
export { closestPolicy, unknownPolicyWords, unknownTo } from './unknown';
export {
  permissionModelForServer,
  sameListing,
  type ServerPermissionFacts,
} from './server-model';
export {
  canonicalSet,
  describeRequestPermissions,
  hasNamedStore,
  needsStoreChoice,
  requestRiskClasses,
  samePermissionSet,
  scopedTo,
  storesNamed,
  type StoreReach,
} from './stores';
export {
  RISK_CLASSES,
  RISK_LABELS,
  cachedRiskClasses,
  riskClasses,
  type PolicyRisk,
  type RiskClass,
} from './risk';
