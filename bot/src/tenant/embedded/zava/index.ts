export { zavaTenant } from './zava-tenant.js';
export {
  ZAVA_AGENT_IDS,
  ZAVA_DELETED_UPN,
  ZAVA_DOMAIN,
  ZAVA_ENVIRONMENTS,
  ZAVA_IDS,
  ZAVA_TENANT_ID,
  ZAVA_USER_IDS,
} from './ids.js';
export type { ZavaAgentKey, ZavaAlias } from './ids.js';
export { ZAVA_FINDING_AGENT_KEYS, ZAVA_FINDINGS, ZAVA_SUBMISSION_FINDINGS } from './findings.js';
export type { ZavaFinding } from './findings.js';
export { ZAVA_IPS } from './history.js';
export { ZAVA_PERSONA_ALIASES } from './users.js';
