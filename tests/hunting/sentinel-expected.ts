import type { ZavaAgentKey } from '../../bot/src/tenant/embedded/zava/ids.js';

/**
 * Microsoft's published hunting queries for AI agents (Azure/Azure-Sentinel, folder `Hunting Queries/AI Agents`,
 * MIT): for each file, by its path in that folder, the Zava agents it must return, worked out from the seed's
 * definitions (bot/src/tenant/embedded/zava), not from running the query. The queries themselves are not in
 * this repository: tests/hunting/sentinel-queries.test.ts reads them from SENTINEL_AI_AGENTS_DIR.
 */
export const SENTINEL_EXPECTED_AGENTS: Record<string, readonly ZavaAgentKey[]> = {
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
};
