/** The tab's pages. Paths are real URLs (history API) so a card's link `/incidents/<id>` opens the page. */
export type Route =
  | { name: 'agents' }
  | { name: 'agent'; id: string }
  | { name: 'incidents' }
  | { name: 'incident'; id: string }
  | { name: 'approvals' }
  | { name: 'audit' }
  | { name: 'hunting' }
  | { name: 'notFound'; path: string };

export type Section = 'agents' | 'incidents' | 'approvals' | 'audit' | 'hunting';

export const DEFAULT_PATH = '/agents';

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, ...rest] = parts;
  if (rest.length > 0) return { name: 'notFound', path: pathname };
  switch (first) {
    case 'agents':
      return second ? { name: 'agent', id: second } : { name: 'agents' };
    case 'incidents':
      return second ? { name: 'incident', id: second } : { name: 'incidents' };
    case 'approvals':
    case 'audit':
    case 'hunting':
      return second ? { name: 'notFound', path: pathname } : { name: first };
    default:
      return { name: 'notFound', path: pathname };
  }
}

export function agentPath(id: string): string {
  return `/agents/${encodeURIComponent(id)}`;
}

export function incidentPath(id: string): string {
  return `/incidents/${encodeURIComponent(id)}`;
}

/** The navigation section a route belongs to. */
export function sectionOf(route: Route): Section | null {
  switch (route.name) {
    case 'agents':
    case 'agent':
      return 'agents';
    case 'incidents':
    case 'incident':
      return 'incidents';
    case 'notFound':
      return null;
    default:
      return route.name;
  }
}

/** Teams deep links carry a sub-entity id (`incident:<id>`, `agent:<id>`, `hunt:<template>`, or a section name). */
export function pathFromSubPageId(subPageId: string | null): string | null {
  if (!subPageId) return null;
  const [kind, ...rest] = subPageId.split(':');
  const id = rest.join(':');
  if (kind === 'incident' && id) return incidentPath(id);
  if (kind === 'agent' && id) return agentPath(id);
  // A hunt card's "open in the tab": the Hunting page runs the template it is given.
  if (kind === 'hunt' && id) return `/hunting?template=${encodeURIComponent(id)}`;
  if (!id && ['agents', 'incidents', 'approvals', 'audit', 'hunting'].includes(kind ?? '')) return `/${kind}`;
  return null;
}
