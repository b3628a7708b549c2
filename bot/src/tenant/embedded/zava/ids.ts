import { stableGuid } from '../tenant-seed.js';

// Fixed ids of the Zava demo tenant. They are derived from names (stableGuid), so they never change
// between runs or releases, and tests, the simulator and bookmarks can name them.

export const ZAVA_DOMAIN = 'zava.example';
export const ZAVA_TENANT_ID = stableGuid('zava:tenant');

export const upnOf = (alias: string) => `${alias}@${ZAVA_DOMAIN}`;

/** Directory aliases of every Zava person, in the order they are listed. */
export const ZAVA_ALIASES = [
  'megan',
  'adele',
  'pradeep',
  'griffin',
  'lee',
  'nestor',
  'christie',
  'isaiah',
  'miriam',
  'enrico',
  'alex',
  'grady',
  'allan',
  'irvin',
  'patti',
  'joni',
  'lynne',
  'lidia',
  'johanna',
  'henrietta',
  'debra',
  'ben',
  'raul',
  'emily',
] as const;
export type ZavaAlias = (typeof ZAVA_ALIASES)[number];

/**
 * An owner who left Zava and whose account was deleted: referenced by an agent, absent from the
 * directory (the `orphaned` signal's "missing" case).
 */
export const ZAVA_DELETED_UPN = upnOf('diego');

export const userIdOf = (alias: ZavaAlias) => stableGuid(`zava:user:${alias}`);

export const ZAVA_AGENT_KEYS = [
  'customerBillingAgent',
  'invoiceReconciliation',
  'marketingCampaignPlanner',
  'contractReview',
  'engineeringRunbook',
  'salesOutreach',
  'websiteAssistant',
  'facilitiesRequest',
  'itHelpdesk',
  'travelBooking',
  'expensePolicy',
  'partnerOnboarding',
  'companyNewsDigest',
  'salesPlaybook',
  'shipmentTracker',
  'dataWarehouseQa',
  'legacyErpLookup',
  'inventorySync',
  'shiftScheduler',
  'onboardingBuddy',
  'holidayPartyPlanner',
  'hrPolicy',
  'payrollQa',
  'competitorResearch',
  'benefitsQa',
  'legalClauseFinder',
  'quarterlyPlanning',
  'sustainabilityReport',
  'procurementPolicy',
  'releaseNotes',
  'docsSearch',
  'teamMeetingPrep',
  'brandVoice',
  'caseSummarizer',
  // Added for Microsoft's published hunting queries (hunting-agents.ts).
  'vendorCatalogSync',
  'supplierFaq',
  'fieldPricingHelper',
  'supplierRiskMonitor',
  'budgetDraftHelper',
] as const;
export type ZavaAgentKey = (typeof ZAVA_AGENT_KEYS)[number];

export const agentIdOf = (key: ZavaAgentKey) => stableGuid(`zava:agent:${key}`);

/** Every Zava agent's id by its key. */
export const ZAVA_AGENT_IDS = Object.fromEntries(ZAVA_AGENT_KEYS.map((k) => [k, agentIdOf(k)])) as Record<
  ZavaAgentKey,
  string
>;

/** Every Zava person's object id by alias. */
export const ZAVA_USER_IDS = Object.fromEntries(ZAVA_ALIASES.map((a) => [a, userIdOf(a)])) as Record<ZavaAlias, string>;

export const ZAVA_ENVIRONMENTS = {
  default: `Default-${ZAVA_TENANT_ID}`,
  finance: stableGuid('zava:env:finance'),
  sales: stableGuid('zava:env:sales'),
  hr: stableGuid('zava:env:hr'),
  foundry: stableGuid('zava:env:foundry'),
} as const;

/** The key actors of the Zava story. */
export const ZAVA_IDS = {
  tenantId: ZAVA_TENANT_ID,
  /** Megan Bowen, SOC responder. */
  megan: ZAVA_USER_IDS.megan,
  /** Adele Vance, IT admin. */
  adele: ZAVA_USER_IDS.adele,
  /** Pradeep Gupta, read-only viewer. */
  pradeep: ZAVA_USER_IDS.pradeep,
  /** Griffin Cho, Finance: the account the attacker steals. */
  griffin: ZAVA_USER_IDS.griffin,
  /** Nestor Wilke, maker and owner of Customer Billing Agent. */
  nestor: ZAVA_USER_IDS.nestor,
  customerBillingAgent: ZAVA_AGENT_IDS.customerBillingAgent,
  /** Customer Billing Agent's "Send an email" tool (`toolDefinition.id`). */
  sendEmailTool: 'cr4f2_billing.action.Office365Outlook-SendEmailV2',
  /** Customer Billing Agent's billing MCP server tool, on the maker's credentials. */
  billingMcpTool: 'cr4f2_billing.mcp.ZavaBillingMCP',
  /** The Copilot Studio environment Customer Billing Agent lives in. */
  financeEnvironment: ZAVA_ENVIRONMENTS.finance,
  /** Blocked multi-tenant agent with a pending resubmission. */
  partnerOnboardingAgent: ZAVA_AGENT_IDS.partnerOnboarding,
} as const;
