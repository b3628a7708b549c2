import { Tab, TabList, Title3 } from '@fluentui/react-components';
import { IncidentTable } from '../../components/IncidentTable/IncidentTable.js';
import { EmptyState } from '../../components/PageState/PageState.js';
import { PagedListBody } from '../../components/PagedListBody/PagedListBody.js';
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
  const body = (
    <PagedListBody
      list={list}
      errorTitle="Could not load incidents"
      loadingLabel="Loading incidents"
      empty={<EmptyState title="No incidents with this status" />}
      moreLabel="Load more incidents"
    >
      {(items) => (
        <div className={styles.table}>
          <IncidentTable incidents={items} label="Incidents" />
        </div>
      )}
    </PagedListBody>
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
