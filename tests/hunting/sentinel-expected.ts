import type { ZavaAgentKey } from '../../bot/src/tenant/embedded/zava/ids.js';

/**
 * Microsoft's published hunting queries for AI agents (Azure/Azure-Sentinel, folder `Hunting Queries/AI Agents`,
 * MIT): for each file, by its path in that folder, the Zava agents it must return, worked out from the seed's
 * definitions (bot/src/tenant/embedded/zava; hunting-agents.ts holds the agents added so that every query finds
 * something) and from how bot/src/hunting/hunting-tables.ts shapes them, not from running the query. The queries
 * themselves are not in this repository: tests/hunting/sentinel-queries.test.ts reads them from
 * SENTINEL_AI_AGENTS_DIR. "A365" below: agents outside Copilot Studio, which AIAgentsInfo lists with
 * RegistrySource "A365" (Agent 365's registry shape: owners by object id, actions in AgentActionTriggers).
 */

// Agents with an MCP server tool (not a knowledge source) in their newest snapshot.
const MCP_TOOL: ZavaAgentKey[] = [
  'customerBillingAgent',
  'invoiceReconciliation',
  'marketingCampaignPlanner',
  'hrPolicy',
  'supplierRiskMonitor',
  'engineeringRunbook',
  'docsSearch',
];
const A365: ZavaAgentKey[] = ['engineeringRunbook', 'docsSearch', 'fieldPricingHelper'];
const notA365 = (keys: ZavaAgentKey[]) => keys.filter((k) => !A365.includes(k));

// MCP tools on the maker's connection.
const MCP_MAKER: ZavaAgentKey[] = [
  'customerBillingAgent',
  'invoiceReconciliation',
  'marketingCampaignPlanner',
  'engineeringRunbook',
  'supplierRiskMonitor',
];
// Shared with everyone: access control "Any" or "Any (multi-tenant)" (AgentsInfo: SharedWith ["*"]).
const ORG_WIDE: ZavaAgentKey[] = [
  'customerBillingAgent',
  'marketingCampaignPlanner',
  'websiteAssistant',
  'partnerOnboarding',
  'companyNewsDigest',
  'salesPlaybook',
  'supplierRiskMonitor',
];
// Authentication only "As Needed" (and, in the connector copy, also those with no user authentication: the same).
const AS_NEEDED: ZavaAgentKey[] = ['customerBillingAgent', 'websiteAssistant', 'facilitiesRequest', 'itHelpdesk'];
// Published, with a tool on the maker's connection or a topic step on the author's credentials.
const AUTHOR_CREDENTIALS: ZavaAgentKey[] = [
  'customerBillingAgent',
  'invoiceReconciliation',
  'marketingCampaignPlanner',
  'engineeringRunbook',
  'facilitiesRequest',
  'travelBooking',
  'expensePolicy',
  'vendorCatalogSync',
  'supplierRiskMonitor',
];
// OwnerAccountUpns (a single UPN, or "a, b" for two owners) is not an enabled account: Diego left, Lynne is
// disabled, and a two-owner agent's string is no single account (the query compares the whole string).
const ORPHANED_BY_UPN: ZavaAgentKey[] = [
  'onboardingBuddy',
  'shiftScheduler',
  'fieldPricingHelper',
  'quarterlyPlanning',
  'supplierRiskMonitor',
];
// Vendor Catalog Sync's topic: plain HTTP on port 8080, Microsoft Graph directly, a GitHub token in a header.
const VENDOR_TOPIC: ZavaAgentKey[] = ['vendorCatalogSync'];
// Agents outside Copilot Studio (A365), all of which list at least one action or trigger.
const ALL_A365: ZavaAgentKey[] = [
  'engineeringRunbook',
  'docsSearch',
  'dataWarehouseQa',
  'releaseNotes',
  'inventorySync',
  'competitorResearch',
  'caseSummarizer',
  'companyNewsDigest',
  'benefitsQa',
  'teamMeetingPrep',
  'brandVoice',
  'fieldPricingHelper',
];
// Published A365 agents with instructions under 100 characters (no instructions included), none blocked.
const A365_SHORT: ZavaAgentKey[] = [
  'benefitsQa',
  'brandVoice',
  'caseSummarizer',
  'docsSearch',
  'fieldPricingHelper',
  'inventorySync',
  'releaseNotes',
  'teamMeetingPrep',
];

/**
 * A query whose published versions differ in what they read: its agents worked out from the text of the version
 * found (the folder's history has both).
 */
export type ByVersion = (query: string) => readonly ZavaAgentKey[];

export const SENTINEL_EXPECTED_AGENTS: Record<string, readonly ZavaAgentKey[] | ByVersion | { todo: string }> = {
  // --- Agent 365 registry (RegistrySource "A365") ---
  // An action server URL that is not https: Field Pricing Helper's quote API.
  'A365 Connector/AIAgentsHTTPNonHTTPS.yaml': ['fieldPricingHelper'],
  // A server URL with a port other than 443: Inventory Sync (8443).
  'A365 Connector/AIAgentsHTTPNonStandardPorts.yaml': ['inventorySync'],
  // A secret in the actions, tools or declarative metadata: a Google API key in Field Pricing Helper's headers,
  // a JWT in Data Warehouse Q&A's instructions.
  'A365 Connector/AIAgentsHardCodedCredentials.yaml': ['dataWarehouseQa', 'fieldPricingHelper'],
  // RemoteMCPServer actions.
  'A365 Connector/AIAgentsMCPToolConfigured.yaml': ['docsSearch', 'engineeringRunbook'],
  // The query looks for the JSON text of the whole set of action names in the instructions, which none contains.
  'A365 Connector/AIAgentsMissingToolsInInstructions.yaml': ALL_A365,
  'A365 Connector/AIAgentsNoInstructions.yaml': ['fieldPricingHelper'],
  // scope "public": shared with everyone.
  'A365 Connector/AIAgentsPubliclyShared.yaml': ['companyNewsDigest'],
  'A365 Connector/AIAgentsShortInstructions.yaml': A365_SHORT,
  // The first owner's object id is not an enabled account: Diego's account is gone.
  'A365 Connector/OrphanedAIAgents.yaml': ['fieldPricingHelper'],

  // --- AIAgentsInfo, all registries ---
  // Generative orchestration, an Outlook SendEmailV2 tool with no inputs fixed (the model fills the recipients).
  'AIAgentsEmailAIControlledInputs.yaml': ['customerBillingAgent', 'salesOutreach'],
  // A fixed recipient outside Zava's domains: Vendor Catalog Sync's tool and its topic's send step.
  'AIAgentsEmailExternalMailbox.yaml': ['vendorCatalogSync'],
  // Generative orchestration and an empty `instructions:` in the custom GPT component.
  'AIAgentsGenerativeOrchestrationNoInstructions.yaml': ['supplierFaq'],
  'AIAgentsHTTPConnectorEndpoints.yaml': VENDOR_TOPIC,
  'AIAgentsHTTPNonHTTPS.yaml': VENDOR_TOPIC,
  'AIAgentsHTTPNonStandardPorts.yaml': VENDOR_TOPIC,
  // A secret in a tool or a topic of an agent that has both.
  'AIAgentsHardCodedCredentials.yaml': VENDOR_TOPIC,
  'AIAgentsMCPToolConfigured.yaml': MCP_TOOL,
  'AIAgentsMCPToolMakerCredentials.yaml': MCP_MAKER,
  'AIAgentsNonHTTPS.yaml': VENDOR_TOPIC,
  'AIAgentsOrganizationWideShared.yaml': ORG_WIDE,
  // No user authentication (the same query as the .yaml, kept in the folder without an extension).
  AIAgentsUnauthenticated: ['websiteAssistant', 'facilitiesRequest'],
  'AIAgentsUnauthenticated.yaml': ['websiteAssistant', 'facilitiesRequest'],
  // Classic orchestration (authored topics, no MCP tool or model-filled input) and a tool no topic step uses.
  'AIAgentsUnusedActions.yaml': ['itHelpdesk'],

  // --- AgentsInfo ---
  // Secrets of Microsoft's patterns: Field Pricing Helper's Google key (its tools), Data Warehouse Q&A's JWT (its
  // instructions), and Vendor Catalog Sync's GitHub token, which is in an HTTP action's headers, so in the raw record
  // only: one published version of the query reads RawAgentInfo, another does not (Shipment Tracker's "sf_live_" key
  // is no pattern).
  'AgentsInfoHardCodedCredentials.yaml': (query) =>
    /\bRawAgentInfo\b/.test(query)
      ? ['dataWarehouseQa', 'fieldPricingHelper', 'vendorCatalogSync']
      : ['dataWarehouseQa', 'fieldPricingHelper'],
  // Changed within the last 2 days against a baseline from 2 to 14 days ago: Supplier Risk Monitor (20 hours
  // ago: new instructions, an MCP server, a second owner, shared with everyone).
  'AgentsInfoInstructionsChangedOnPublishedAgent.yaml': ['supplierRiskMonitor'],
  // McpServers counts MCP knowledge sources too: Contract Review.
  'AgentsInfoMCPToolConfigured.yaml': [...MCP_TOOL, 'contractReview'],
  // A declared tool whose name the instructions do not mention as a term.
  'AgentsInfoMissingToolsInInstructions.yaml': [
    'caseSummarizer',
    'competitorResearch',
    'customerBillingAgent',
    'dataWarehouseQa',
    'docsSearch',
    'engineeringRunbook',
    'facilitiesRequest',
    'holidayPartyPlanner',
    'hrPolicy',
    'inventorySync',
    'invoiceReconciliation',
    'itHelpdesk',
    'legacyErpLookup',
    'marketingCampaignPlanner',
    'partnerOnboarding',
    'quarterlyPlanning',
    'releaseNotes',
    'salesOutreach',
    'shiftScheduler',
    'shipmentTracker',
    'supplierRiskMonitor',
    'teamMeetingPrep',
    'travelBooking',
    'vendorCatalogSync',
  ],
  'AgentsInfoNewlyObservedMcpServer.yaml': ['supplierRiskMonitor'],
  // Published with no instructions.
  'AgentsInfoNoInstructions.yaml': ['supplierFaq', 'fieldPricingHelper'],
  'AgentsInfoOrganizationWideShared.yaml': ORG_WIDE,
  // Every owner (by object id) disabled or gone: Lynne's, Diego's.
  'AgentsInfoOrphanedAgents.yaml': ['shiftScheduler', 'onboardingBuddy', 'fieldPricingHelper'],
  'AgentsInfoOwnerAddedToMcpAgent.yaml': ['supplierRiskMonitor'],
  'AgentsInfoSharingExpandedToOrgWide.yaml': ['supplierRiskMonitor'],
  // Published, instructions present but under 100 characters.
  'AgentsInfoShortInstructions.yaml': [
    'benefitsQa',
    'brandVoice',
    'caseSummarizer',
    'docsSearch',
    'holidayPartyPlanner',
    'inventorySync',
    'legacyErpLookup',
    'legalClauseFinder',
    'onboardingBuddy',
    'procurementPolicy',
    'quarterlyPlanning',
    'releaseNotes',
    'shiftScheduler',
    'teamMeetingPrep',
  ],

  // --- Copilot Studio connector copies (RegistrySource != "A365") ---
  'Copilot Studio Connector/AIAgentsEmailAIControlledInputs.yaml': ['customerBillingAgent', 'salesOutreach'],
  'Copilot Studio Connector/AIAgentsEmailExternalMailbox.yaml': ['vendorCatalogSync'],
  'Copilot Studio Connector/AIAgentsGenerativeOrchestrationNoInstructions.yaml': ['supplierFaq'],
  'Copilot Studio Connector/AIAgentsHTTPConnectorEndpoints.yaml': VENDOR_TOPIC,
  'Copilot Studio Connector/AIAgentsHTTPNonHTTPS.yaml': VENDOR_TOPIC,
  'Copilot Studio Connector/AIAgentsHardCodedCredentials.yaml': VENDOR_TOPIC,
  'Copilot Studio Connector/AIAgentsMCPToolConfigured.yaml': notA365(MCP_TOOL),
  'Copilot Studio Connector/AIAgentsMCPToolMakerCredentials.yaml': notA365(MCP_MAKER),
  'Copilot Studio Connector/AIAgentsOrganizationWideShared.yaml': ORG_WIDE.filter((k) => k !== 'companyNewsDigest'),
  'Copilot Studio Connector/AIAgentsUnusedActions.yaml': ['itHelpdesk'],
  // Published, on the author's credentials, and no Copilot Studio interaction in 30 days: never used since published.
  'Copilot Studio Connector/DormantAuthorAuthenticationAIAgents.yaml': ['vendorCatalogSync'],
  'Copilot Studio Connector/NoAuthenticationRequiredAIAgents.yaml': AS_NEEDED,
  'Copilot Studio Connector/OrphanedAIAgents.yaml': ORPHANED_BY_UPN.filter((k) => k !== 'fieldPricingHelper'),
  // Created in the last 30 days, published, no interaction in 30 days.
  'Copilot Studio Connector/PublishedDormantAIAgents.yaml': ['vendorCatalogSync'],
  // A draft (AgentStatus "Created") created and last changed more than 30 days ago.
  'Copilot Studio Connector/UnpublishedUnmodifiedAIAgents.yaml': ['budgetDraftHelper'],

  // --- top level, continued ---
  // Engineering Runbook is an Azure AI Foundry agent: no Copilot Studio schema name, so no interaction matches it.
  'DormantAuthorAuthenticationAIAgents.yaml': ['engineeringRunbook', 'vendorCatalogSync'],
  'Microsoft Defender for Cloud Apps Connector/AIAgentsHTTPNonStandardPorts.yaml': VENDOR_TOPIC,
  'Microsoft Defender for Cloud Apps Connector/PublishedAIAgentsAuthorAuthentication.yaml': notA365(AUTHOR_CREDENTIALS),
  'NoAuthenticationRequiredAIAgents.yaml': AS_NEEDED,
  'OrphanedAIAgents.yaml': ORPHANED_BY_UPN,
  'PublishedAIAgentsAuthorAuthentication.yaml': AUTHOR_CREDENTIALS,
  'PublishedDormantAIAgents.yaml': ['vendorCatalogSync'],
  'UnpublishedUnmodifiedAIAgents.yaml': ['budgetDraftHelper'],
};
