import { Title3 } from '@fluentui/react-components';
import { EmptyState, ErrorState, LoadingState } from '../../components/PageState/PageState.js';
import { AgentFilters } from './AgentFilters.js';
import { AgentTable } from './AgentTable.js';
import { useAgentsPage } from './useAgentsPage.js';
import { useAgentsPageStyles } from './useAgentsPageStyles.styles.js';

/** The agent registry with risk, filters and search; thousands of rows stay smooth (windowed, paged). */
export function AgentsPage() {
  const styles = useAgentsPageStyles();
  const { filters, updateFilters, resetFilters, list, openAgent, filtered } = useAgentsPage();
  let body;
  if (list.error) body = <ErrorState title="Could not load agents" error={list.error} onRetry={list.retry} />;
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
        loadingMore={list.loadingMore}
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
      {body}
    </section>
  );
}
