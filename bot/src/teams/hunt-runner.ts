import type { Principal } from '../domain/types.js';
import type { HuntingService } from '../hunting/hunting-service.js';
import type { HuntResultsCardView } from './cards/card-views.js';
import { tabDeepLink } from './cards/deep-links.js';
import type { HuntRunner } from './ports.js';

export interface HuntRunnerOptions {
  /** Teams app id and the static tab's entity id, for the link into the tab. */
  appId: string;
  entityId: string;
  /** The server's public URL: the same page outside Teams. */
  baseUrl: string;
}

/** The bot's `hunt <template>` over the hunting service: the first rows and a link to all of them in the tab. */
export class ServiceHuntRunner implements HuntRunner {
  constructor(
    private readonly hunting: HuntingService,
    private readonly options: HuntRunnerOptions,
  ) {}

  async templateIds(): Promise<string[]> {
    return this.hunting.listTemplates().map((t) => t.id);
  }

  // Every role may hunt (it reads what the tab's agent list already shows), within the API's rate limit.
  async run(
    principal: Principal,
    templateId: string,
    options: { rowLimit: number },
  ): Promise<HuntResultsCardView | null> {
    const template = this.hunting.template(templateId);
    if (!template) return null;
    this.hunting.admit(principal);
    const result = await this.hunting.run({ templateId }, Math.max(1, options.rowLimit));
    return {
      templateId,
      title: template.title,
      schema: result.schema.map((c) => ({ name: c.name, type: c.type })),
      rows: result.results,
      totalRows: result.rowCount,
      links: {
        // The tab routes the `hunt:<template>` sub-entity, like the browser link, to its Hunting page running it.
        teams: tabDeepLink({
          appId: this.options.appId,
          entityId: this.options.entityId,
          subEntityId: `hunt:${templateId}`,
        }),
        browser: `${this.options.baseUrl.replace(/\/+$/, '')}/hunting?template=${encodeURIComponent(templateId)}`,
      },
    };
  }
}
