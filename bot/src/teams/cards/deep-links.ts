// Links from a card into the tab. The tab reads `subEntityId` ("incident:<id>", "agent:<id>",
// "submission:<id>", "hunt:<templateId>") from its Teams context and routes to the page.

export interface TabDeepLinkOptions {
  /** The Teams app id (manifest `id`). */
  appId: string;
  /** The static tab's `entityId` in the manifest. */
  entityId: string;
  subEntityId: string;
}

export type SubEntityKind = 'incident' | 'agent' | 'submission' | 'hunt';

/** https://teams.microsoft.com/l/entity/<appId>/<entityId>?context={"subEntityId":"..."} (URL-encoded). */
export function tabDeepLink(options: TabDeepLinkOptions): string {
  const context = encodeURIComponent(JSON.stringify({ subEntityId: options.subEntityId }));
  return (
    `https://teams.microsoft.com/l/entity/${encodeURIComponent(options.appId)}/` +
    `${encodeURIComponent(options.entityId)}?context=${context}`
  );
}

export function subEntityId(kind: SubEntityKind, id: string): string {
  return `${kind}:${id}`;
}

export interface IncidentDeepLinkOptions {
  appId: string;
  entityId: string;
  incidentId: string;
}

export function incidentDeepLink(options: IncidentDeepLinkOptions): string {
  return tabDeepLink({ ...options, subEntityId: subEntityId('incident', options.incidentId) });
}

const BROWSER_PATHS: Record<SubEntityKind, string> = {
  incident: 'incidents',
  agent: 'agents',
  submission: 'submissions',
  hunt: 'hunting',
};

/** The same page outside Teams: `<baseUrl>/incidents/<id>`. */
export function browserUrl(baseUrl: string, kind: SubEntityKind, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${BROWSER_PATHS[kind]}/${encodeURIComponent(id)}`;
}

export interface CardLinkOptions {
  appId: string;
  entityId: string;
  baseUrl: string;
}

/** Both links for one thing, as the card views carry them. */
export function cardLinks(
  options: CardLinkOptions,
  kind: SubEntityKind,
  id: string,
): { teams: string; browser: string } {
  return {
    teams: tabDeepLink({ appId: options.appId, entityId: options.entityId, subEntityId: subEntityId(kind, id) }),
    browser: browserUrl(options.baseUrl, kind, id),
  };
}
