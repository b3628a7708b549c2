import type { ZavaAgentKey } from '../../bot/src/tenant/embedded/zava/ids.js';

/**
 * Microsoft's published hunting queries for AI agents (Azure/Azure-Sentinel, folder `Hunting Queries/AI Agents`,
 * MIT): for each file, by its path in that folder, the Zava agents it must return, worked out from the seed's
 * definitions (bot/src/tenant/embedded/zava), not from running the query. The queries themselves are not in
 * this repository: tests/hunting/sentinel-queries.test.ts reads them from SENTINEL_AI_AGENTS_DIR.
 */
export const SENTINEL_EXPECTED_AGENTS: Record<string, readonly ZavaAgentKey[] | { todo: string }> = {
  // Newest snapshot not deleted, an MCP tool (AgentToolsDetails, not knowledge) on the maker's connection.
  'AIAgentsMCPToolMakerCredentials.yaml': [
    'customerBillingAgent',
    'invoiceReconciliation',
    'marketingCampaignPlanner',
    'engineeringRunbook',
  ],
  // Newest snapshot not deleted, sign-in "As Needed" (Copilot Studio's authentication trigger).
  'NoAuthenticationRequiredAIAgents.yaml': [
    'customerBillingAgent',
    'websiteAssistant',
    'facilitiesRequest',
    'itHelpdesk',
  ],
  // Newest snapshot not deleted, access control "Any" or "Any (multi-tenant)".
  'AIAgentsOrganizationWideShared.yaml': [
    'customerBillingAgent',
    'marketingCampaignPlanner',
    'websiteAssistant',
    'partnerOnboarding',
    'companyNewsDigest',
    'salesPlaybook',
  ],
  // Topics' HttpRequestAction calls to a non-https URL. Zava's plain-HTTP calls are tools, not topic actions
  // (the domain's topics carry no actions yet), so no agent matches; the query still runs unchanged.
  'AIAgentsHTTPNonHTTPS.yaml': [],
  // Published, a tool (or a topic action) on the maker's connection.
  'PublishedAIAgentsAuthorAuthentication.yaml': [
    'customerBillingAgent',
    'invoiceReconciliation',
    'marketingCampaignPlanner',
    'engineeringRunbook',
    'facilitiesRequest',
    'travelBooking',
  ],
  // Newest snapshot not deleted, no user authentication.
  'AIAgentsUnauthenticated.yaml': ['websiteAssistant', 'facilitiesRequest'],
  'AgentsInfoOrganizationWideShared.yaml': {
    todo: 'reads AgentsInfo.Name (Defender documents AgentName), SharedWith "*" and Owners as object ids',
  },
  // Published, newest snapshot not deleted, no instructions (empty or "N/A") / instructions under 100 characters.
  'AgentsInfoNoInstructions.yaml': {
    todo: "project-reorder names AgentsInfo.Name (Defender documents AgentName): 'unknown column' at line 15/16",
  },
  'AgentsInfoShortInstructions.yaml': {
    todo: "project-reorder names AgentsInfo.Name (Defender documents AgentName): 'unknown column' at line 15/16",
  },
};
