import { Button, Spinner, Tab, TabList, Title3 } from '@fluentui/react-components';
import { IncidentTable } from '../../components/IncidentTable/IncidentTable.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/PageState/PageState.js';
import { useIncidentsPage, type IncidentStatusFilter } from './useIncidentsPage.js';
import { useIncidentsPageStyles } from './useIncidentsPageStyles.styles.js';

const FILTERS: { value: IncidentStatusFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'active', label: 'Active' },
  { value: 'inProgress', label: 'In progress' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

export function IncidentsPage() {
  const styles = useIncidentsPageStyles();
  const { status, setStatus, list } = useIncidentsPage();
  let body;
  if (list.error) body = <ErrorState title="Could not load incidents" error={list.error} onRetry={list.retry} />;
  else if (list.loading) body = <LoadingState label="Loading incidents" />;
  else if (list.items.length === 0) body = <EmptyState title="No incidents with this status" />;
  else
    body = (
      <>
        <div className={styles.table}>
          <IncidentTable incidents={list.items} label="Incidents" />
        </div>
        {list.hasMore ? (
          <div className={styles.more}>
            <Button
              onClick={list.loadMore}
              disabled={list.loadingMore}
              icon={list.loadingMore ? <Spinner size="tiny" /> : undefined}
            >
              Load more incidents
            </Button>
          </div>
        ) : null}
      </>
    );
  return (
    <section className={styles.root} aria-labelledby="incidents-title">
      <Title3 as="h1" id="incidents-title">
        Incidents
      </Title3>
      <TabList
        aria-label="Filter by status"
        selectedValue={status}
        onTabSelect={(_, data) => setStatus(data.value as IncidentStatusFilter)}
        size="small"
      >
        {FILTERS.map((f) => (
          <Tab key={f.value} value={f.value}>
            {f.label}
          </Tab>
        ))}
      </TabList>
      {body}
    </section>
  );
}
