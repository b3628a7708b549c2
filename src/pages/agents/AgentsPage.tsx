import { Caption1, Title3 } from '@fluentui/react-components';
import { useRef } from 'react';
import type { AgentSummary } from '../../api/types.js';
import { RISK_LEGEND } from '../../components/RiskLevelBadge/RiskLevelBadge.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/PageState/PageState.js';
import { AgentFilters } from './AgentFilters.js';
import { AgentTable } from './AgentTable.js';
import { useAgentsPage } from './useAgentsPage.js';
import { useAgentsPageStyles } from './useAgentsPageStyles.styles.js';

/** The agent registry with risk, filters and search; thousands of rows stay smooth (windowed, paged). */
export function AgentsPage() {
  const styles = useAgentsPageStyles();
  const { filters, updateFilters, resetFilters, list, openAgent, filtered, queryKey } = useAgentsPage();
  // While a new filter loads, the rows of the previous one stay (marked busy) instead of a spinner:
  // the table is not torn down and rebuilt, and the page does not jump.
  const shown = useRef<{ items: AgentSummary[]; key: string } | null>(null);
  if (!list.loading && !list.error) shown.current = list.items.length > 0 ? { items: list.items, key: queryKey } : null;
  const stale = list.loading ? shown.current : null;
  let body;
  if (list.error) body = <ErrorState title="Could not load agents" error={list.error} onRetry={list.retry} />;
  else if (stale)
    body = (
      <AgentTable
        items={stale.items}
        hasMore={false}
        loadingMore={false}
        busy
        queryKey={stale.key}
        onLoadMore={list.loadMore}
        onOpen={openAgent}
      />
    );
  else if (list.loading) body = <LoadingState label="Loading agents" />;
  else if (list.items.length === 0)
    body = (
      <EmptyState title={filtered ? 'No agent matches these filters' : 'No agents yet'}>
        {filtered ? 'Change or clear the filters.' : 'Agents appear here once the tenant reports them.'}
      </EmptyState>
    );
  else
    body = (
      <AgentTable
        items={list.items}
        hasMore={list.hasMore}
        total={list.total}
        loadingMore={list.loadingMore}
        queryKey={queryKey}
        onLoadMore={list.loadMore}
        onOpen={openAgent}
      />
    );
  return (
    <section className={styles.root} aria-labelledby="agents-title">
      <Title3 as="h1" id="agents-title">
        Agents
      </Title3>
      <AgentFilters filters={filters} onChange={updateFilters} onReset={resetFilters} filtered={filtered} />
      <Caption1 id="risk-legend">{RISK_LEGEND}.</Caption1>
      {body}
    </section>
  );
}
