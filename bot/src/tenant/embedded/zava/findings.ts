import type { RiskSignalId } from '../../../domain/risk.js';
import type { ZavaAgentKey } from './ids.js';
import { ZAVA_AGENT_IDS, ZAVA_AGENT_KEYS } from './ids.js';

/** The two drafts; every other Zava agent is published (Defender's "published agent" indicator). */
const DRAFTS: ZavaAgentKey[] = ['sustainabilityReport', 'budgetDraftHelper'];

/**
 * Findings the Zava agents are built to show: the risk signals of domain/risk.ts, and the history-based
 * hunting checks that compare an agent's snapshots (AIAgentsInfo keeps several per agent):
 * - `newly-seen-mcp-server`: the newest snapshot has an MCP server (tool or knowledge source, by URL)
 *   that none of the agent's older snapshots has;
 * - `instructions-changed-after-publish`: the agent is published and its newest snapshot's instructions
 *   differ from those of the snapshot taken when the current version was published;
 * - `sharing-widened-to-org`: shared with everyone (`any` or `anyMultitenant`) now, with less before.
 */
export type ZavaFinding =
  RiskSignalId | 'newly-seen-mcp-server' | 'instructions-changed-after-publish' | 'sharing-widened-to-org';

const FINDING_AGENTS: Record<ZavaFinding, ZavaAgentKey[]> = {
  'mcp-maker-credentials': [
    'customerBillingAgent',
    'invoiceReconciliation',
    'marketingCampaignPlanner',
    'contractReview',
    'engineeringRunbook',
    'supplierRiskMonitor',
  ],
  'no-user-auth': ['websiteAssistant', 'facilitiesRequest'],
  'org-wide-sharing': [
    'customerBillingAgent',
    'marketingCampaignPlanner',
    'websiteAssistant',
    'partnerOnboarding',
    'companyNewsDigest',
    'salesPlaybook',
    'supplierRiskMonitor',
  ],
  'hardcoded-credential': ['shipmentTracker', 'dataWarehouseQa', 'fieldPricingHelper'],
  'insecure-http': ['legacyErpLookup', 'inventorySync', 'fieldPricingHelper'],
  orphaned: ['shiftScheduler', 'onboardingBuddy', 'fieldPricingHelper'],
  dormant: ['onboardingBuddy', 'holidayPartyPlanner'],
  'open-high-alerts': ['competitorResearch'],
  'author-credentials': [
    'customerBillingAgent',
    'facilitiesRequest',
    'travelBooking',
    'expensePolicy',
    'vendorCatalogSync',
  ],
  'auth-as-needed': ['customerBillingAgent', 'itHelpdesk'],
  'ai-controlled-email': ['customerBillingAgent', 'salesOutreach'],
  'instructions-send-outside': ['invoiceReconciliation'],
  'newly-seen-mcp-server': ['hrPolicy', 'supplierRiskMonitor'],
  'instructions-changed-after-publish': ['payrollQa', 'supplierRiskMonitor'],
  'sharing-widened-to-org': ['salesPlaybook', 'supplierRiskMonitor'],
  // Defender's posture indicators (README, "Risk signals and Defender's posture indicators").
  published: ZAVA_AGENT_KEYS.filter((k) => !DRAFTS.includes(k)),
  'weak-instructions': ['supplierFaq', 'fieldPricingHelper'],
  'high-autonomy': ['inventorySync'],
  'indirect-prompt-injection': ['shipmentTracker', 'competitorResearch'],
  'privileged-data-access': ['engineeringRunbook'],
  'privileged-system-access': ['engineeringRunbook', 'itHelpdesk', 'travelBooking'],
  // Every agent outside the default environment: finance, sales, HR and the Foundry projects are production.
  'production-environment': [
    'customerBillingAgent',
    'invoiceReconciliation',
    'expensePolicy',
    'procurementPolicy',
    'vendorCatalogSync',
    'supplierFaq',
    'supplierRiskMonitor',
    'salesOutreach',
    'partnerOnboarding',
    'salesPlaybook',
    'fieldPricingHelper',
    'onboardingBuddy',
    'hrPolicy',
    'payrollQa',
    'benefitsQa',
    'engineeringRunbook',
    'dataWarehouseQa',
    'releaseNotes',
    'docsSearch',
  ],
  'coordinator-agent': ['customerBillingAgent', 'hrPolicy'],
  'cross-tenant-access': ['partnerOnboarding'],
  'critical-resource': ['customerBillingAgent', 'payrollQa'],
  'active-threat': ['customerBillingAgent', 'facilitiesRequest'],
};

/** Findings shown by a pending Zava submission's proposed version rather than by an agent, by submission key. */
export const ZAVA_SUBMISSION_FINDINGS: Partial<Record<ZavaFinding, string[]>> = {
  'instructions-send-outside': ['zava:submission:sales-outreach-next'],
};

/** Finding -> ids of exactly the Zava agents that show it (tests hold this against the rules). */
export const ZAVA_FINDINGS: Record<ZavaFinding, string[]> = Object.fromEntries(
  Object.entries(FINDING_AGENTS).map(([finding, keys]) => [finding, keys.map((k) => ZAVA_AGENT_IDS[k])]),
) as Record<ZavaFinding, string[]>;

/** The same map by agent key, for people reading tests and docs. */
export const ZAVA_FINDING_AGENT_KEYS: Readonly<Record<ZavaFinding, readonly ZavaAgentKey[]>> = FINDING_AGENTS;
