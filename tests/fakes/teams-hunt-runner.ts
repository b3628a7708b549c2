import { ForbiddenError } from '../../bot/src/domain/errors.js';
import type { Principal } from '../../bot/src/domain/types.js';
import type { HuntResultsCardView } from '../../bot/src/teams/cards/card-views.js';
import type { HuntRunner } from '../../bot/src/teams/ports.js';

export const HUNT_TEMPLATE_ID = 'mcp-maker-credentials';

/** One template; viewers may not hunt (a stand-in for whatever rule the hunting service applies). */
export class FakeHuntRunner implements HuntRunner {
  readonly runs: { principalId: string; templateId: string; rowLimit: number }[] = [];

  async templateIds(): Promise<string[]> {
    return [HUNT_TEMPLATE_ID, 'no-user-auth'];
  }

  async run(
    principal: Principal,
    templateId: string,
    options: { rowLimit: number },
  ): Promise<HuntResultsCardView | null> {
    this.runs.push({ principalId: principal.id, templateId, rowLimit: options.rowLimit });
    if (!principal.roles.some((r) => r === 'responder' || r === 'admin')) {
      throw new ForbiddenError(`${principal.displayName} may not run hunting queries.`);
    }
    if (templateId !== HUNT_TEMPLATE_ID) return null;
    return {
      templateId,
      title: "Agents with MCP tools on the maker's credentials",
      schema: [
        { name: 'AIAgentName', type: 'string' },
        { name: 'CreatorAccountUpn', type: 'string' },
      ],
      rows: [
        { AIAgentName: 'Customer Billing Agent', CreatorAccountUpn: 'maker@zava.example' },
        { AIAgentName: 'Invoice Helper', CreatorAccountUpn: 'maker2@zava.example' },
      ],
      totalRows: 2,
      links: {
        teams: 'https://teams.microsoft.com/l/entity/app/warden',
        browser: 'https://warden.zava.example/hunting',
      },
    };
  }
}
