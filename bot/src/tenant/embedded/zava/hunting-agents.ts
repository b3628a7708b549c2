import type { SeedClock } from '../tenant-seed.js';
import type { ZavaAgentSpec } from './agent-builder.js';
import { groupIdOf } from './agent-builder.js';
import { connectorTool, httpTool, knowledge, mcpTool, sendEmailTool, sharePointSite } from './agent-parts.js';
import { ZAVA_DELETED_UPN, ZAVA_ENVIRONMENTS as ENV, upnOf } from './ids.js';

// Agents added so that each of Microsoft's published AI-agent hunting queries (Azure-Sentinel, "Hunting
// Queries/AI Agents") finds something in Zava: topics that call out over HTTP or send mail, fixed external
// recipients, an agent never used since it was published, missing instructions, an Agent 365 agent whose owner
// left, an old draft, and an agent changed in the last day (instructions, MCP server, owner, sharing).
// The secrets below are made up and of the shapes Microsoft's queries look for.

/** A made-up GitHub token (ghp_ and 36 characters). */
const FAKE_GITHUB_TOKEN = 'ghp_Zava0example0token0not0real000000001';
/** A made-up Google API key (AIza and 35 characters). */
const FAKE_GOOGLE_KEY = 'AIzaZavaExampleKeyNotReal00000000000001';

export function huntingAgentSpecs(t: SeedClock): ZavaAgentSpec[] {
  const supplierList = connectorTool('SharePoint', {
    id: 'supplier-risk.action.SharePoint-GetItems',
    name: 'Get supplier list',
    description: 'Reads the approved supplier list.',
    operations: ['GetItems:read'],
  });
  return [
    {
      // Classic orchestration: its topic calls a supplier's plain-HTTP API on a non-standard port with a token in
      // the request, reads Microsoft Graph directly, and mails the supplier on the maker's connection. Published
      // a little over two weeks ago and never used since.
      key: 'vendorCatalogSync',
      name: 'Vendor Catalog Sync',
      platform: 'copilotStudio',
      environmentId: ENV.finance,
      maker: upnOf('christie'),
      description: 'Refreshes the vendor catalog from Fabrikam Supplies and tells buyers what changed.',
      instructions:
        'When a buyer asks for a catalog refresh, run the Sync vendor catalog topic and summarize the changed items.',
      version: '1.0.0',
      created: t.ago(20),
      modified: t.ago(18),
      published: t.ago(18),
      lastActive: null,
      userCount: 0,
      groups: ['Procurement'],
      tools: [
        {
          ...sendEmailTool('vendor-catalog.action.Office365Outlook-SendEmailV2', { recipientsFromModel: false }),
          fixedRecipients: ['orders@fabrikam-supplies.example'],
        },
      ],
      topics: [
        {
          name: 'Sync vendor catalog',
          usesAuthorCredentials: true,
          actions: [
            {
              kind: 'http',
              method: 'GET',
              url: 'http://catalog.fabrikam-supplies.example:8080/api/items',
              headers: { Authorization: `token ${FAKE_GITHUB_TOKEN}` },
              connectionMode: 'user',
            },
            {
              kind: 'http',
              method: 'GET',
              url: 'https://graph.microsoft.com/v1.0/sites/root/lists',
              connectionMode: 'user',
            },
            {
              kind: 'connector',
              connector: 'Office 365 Outlook',
              operationId: 'SendEmailV2',
              connectionMode: 'maker',
              to: ['buyers@fabrikam-supplies.example'],
            },
          ],
        },
      ],
    },
    {
      // Generative orchestration and no instructions at all.
      key: 'supplierFaq',
      name: 'Supplier FAQ',
      platform: 'copilotStudio',
      environmentId: ENV.finance,
      maker: upnOf('irvin'),
      description: 'Answers suppliers’ questions about invoicing and payment terms.',
      instructions: '',
      version: '1.0.0',
      created: t.ago(70),
      modified: t.ago(35),
      published: t.ago(35),
      lastActive: t.ago(0, 5),
      userCount: 64,
      accessControl: 'copilotReaders',
      knowledgeSources: [knowledge('Supplier handbook', 'sharepoint', sharePointSite('Finance', 'Supplier Handbook'))],
    },
    {
      // An Agent 365 (Microsoft 365 Copilot) agent made by Diego, who left: no instructions, and an API plugin on
      // plain HTTP with an API key in its headers.
      key: 'fieldPricingHelper',
      name: 'Field Pricing Helper',
      platform: 'm365Copilot',
      environmentId: ENV.sales,
      maker: ZAVA_DELETED_UPN,
      description: 'Quotes list prices and discounts for field sales.',
      instructions: '',
      version: '1.0.0',
      created: t.ago(160),
      modified: t.ago(75),
      published: t.ago(75),
      lastActive: t.ago(1, 4),
      userCount: 37,
      accessControl: 'copilotReaders',
      channels: ['m365copilot'],
      tools: [
        httpTool('http://pricing.zava.example/api/quote', {
          id: 'field-pricing.plugin.quote',
          name: 'Quote API',
          description: 'Gets a price quote for a product and quantity.',
          operations: ['GET /api/quote:read'],
          headers: { 'x-api-key': FAKE_GOOGLE_KEY },
        }),
      ],
    },
    {
      // Changed in the last day: new instructions after publishing, an MCP server on the maker's connection, a
      // second owner, and shared with the whole organization (before: the Procurement group only, as published 40 days
      // ago and still 9 days ago).
      key: 'supplierRiskMonitor',
      name: 'Supplier Risk Monitor',
      platform: 'copilotStudio',
      environmentId: ENV.finance,
      maker: upnOf('miriam'),
      owners: [upnOf('miriam'), upnOf('christie')],
      description: 'Summarizes supplier risk ratings and news.',
      instructions:
        'Summarize the risk rating, recent news and open issues of the supplier the user names. Use the risk data ' +
        'server for ratings. Do not share ratings outside Zava.',
      version: '1.1.0',
      created: t.ago(45),
      modified: t.ago(0, 20),
      published: t.ago(40),
      lastActive: t.ago(0, 2),
      userCount: 58,
      accessControl: 'any',
      tools: [
        mcpTool('https://mcp.riskdata.example/mcp', {
          id: 'supplier-risk.mcp.RiskData',
          name: 'Risk Data MCP',
          description: 'Supplier risk ratings.',
          operations: ['get_rating:read', 'list_events:read'],
          mode: 'maker',
        }),
        supplierList,
      ],
      history: [40, 9].map((days, i) => ({
        at: t.ago(days),
        changes: {
          version: `1.0.${i}`,
          instructions: 'Summarize the risk rating and recent news of the supplier the user names.',
          owners: [upnOf('miriam')],
          accessControl: 'groupMembership' as const,
          authorizedGroupIds: [groupIdOf('Procurement')],
          tools: [supplierList],
        },
      })),
    },
    {
      // A draft nobody has touched for two months.
      key: 'budgetDraftHelper',
      name: 'Budget Draft Helper',
      platform: 'copilotStudio',
      environmentId: ENV.default,
      maker: upnOf('lidia'),
      description: 'Drafts department budget requests.',
      instructions: 'Help the user draft a budget request from last year’s figures and the planning template.',
      version: '0.1.0',
      created: t.ago(90),
      modified: t.ago(60),
      published: null,
      lastActive: null,
      userCount: 0,
    },
  ];
}
