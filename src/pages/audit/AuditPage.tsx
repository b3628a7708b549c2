import {
  Badge,
  Caption1,
  Dropdown,
  Field,
  Input,
  Option,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title3,
  type BadgeProps,
} from '@fluentui/react-components';
import { actionLabel } from '../../../bot/src/domain/authorization.js';
import type { AuditRecord } from '../../api/types.js';
import { EmptyState } from '../../components/PageState/PageState.js';
import { PagedListBody } from '../../components/PagedListBody/PagedListBody.js';
import { formatDateTime, humanize } from '../../format.js';
import { RouterLink } from '../../router/RouterLink.js';
import { agentPath, incidentPath } from '../../router/routes.js';
import { useAuditPage, type AuditFilterState } from './useAuditPage.js';
import { useAuditPageStyles } from './useAuditPageStyles.styles.js';

const TARGET_TYPES: { value: AuditFilterState['targetType']; label: string }[] = [
  { value: '', label: 'Any target' },
  { value: 'agent', label: 'Agent' },
  { value: 'user', label: 'User' },
  { value: 'incident', label: 'Incident' },
  { value: 'submission', label: 'Submission' },
  { value: 'channel', label: 'Channel' },
];

/** Option values must not be empty: "any target" gets a sentinel. */
const ANY = 'any';

const OUTCOME_COLOR: Record<AuditRecord['outcome'], BadgeProps['color']> = {
  succeeded: 'success',
  failed: 'danger',
  denied: 'warning',
};

function Target({ record }: { record: AuditRecord }) {
  const name = record.targetName || record.targetId;
  if (record.targetType === 'agent') return <RouterLink href={agentPath(record.targetId)}>{name}</RouterLink>;
  if (record.targetType === 'incident') return <RouterLink href={incidentPath(record.targetId)}>{name}</RouterLink>;
  return <>{name}</>;
}

/** Who did what, when, with what outcome, from where. */
export function AuditPage() {
  const styles = useAuditPageStyles();
  const { filters, update, list, filtered } = useAuditPage();
  const body = (
    <PagedListBody
      list={list}
      errorTitle="Could not load the audit trail"
      loadingLabel="Loading audit trail"
      empty={<EmptyState title={filtered ? 'No record matches these filters' : 'No actions recorded yet'} />}
      moreLabel="Load more records"
    >
      {(items) => (
        <div className={styles.table}>
          <Table aria-label="Audit trail" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>When</TableHeaderCell>
                <TableHeaderCell>Actor</TableHeaderCell>
                <TableHeaderCell>Action</TableHeaderCell>
                <TableHeaderCell>Target</TableHeaderCell>
                <TableHeaderCell>Outcome</TableHeaderCell>
                <TableHeaderCell>Via</TableHeaderCell>
                <TableHeaderCell>Detail</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((r) => (
                <TableRow key={r.id}>
                  <TableCell>{formatDateTime(r.at)}</TableCell>
                  <TableCell>{r.actorName ? `${r.actorName} (${r.actor})` : r.actor}</TableCell>
                  <TableCell>{actionLabel(r.action)}</TableCell>
                  <TableCell>
                    {humanize(r.targetType)}: <Target record={r} />
                  </TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={OUTCOME_COLOR[r.outcome] ?? 'informative'}>
                      {humanize(r.outcome)}
                    </Badge>
                  </TableCell>
                  <TableCell>{r.via}</TableCell>
                  <TableCell>
                    <Caption1 className={styles.detail}>{r.detail}</Caption1>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </PagedListBody>
  );
  return (
    <section className={styles.root} aria-labelledby="audit-title">
      <Title3 as="h1" id="audit-title">
        Audit
      </Title3>
      <div className={styles.filters} role="search" aria-label="Filter the audit trail">
        <Field label="Actor">
          <Input
            value={filters.actor}
            placeholder="Name or UPN"
            onChange={(_, data) => update({ actor: data.value })}
          />
        </Field>
        <Field label="Action">
          <Input
            value={filters.action}
            placeholder="e.g. Block agent"
            onChange={(_, data) => update({ action: data.value })}
          />
        </Field>
        <Field label="Target type">
          <Dropdown
            value={TARGET_TYPES.find((t) => t.value === filters.targetType)?.label ?? ''}
            selectedOptions={[filters.targetType || ANY]}
            onOptionSelect={(_, data) =>
              update({
                targetType: (data.optionValue === ANY
                  ? ''
                  : (data.optionValue ?? '')) as AuditFilterState['targetType'],
              })
            }
          >
            {TARGET_TYPES.map((t) => (
              <Option key={t.value || ANY} value={t.value || ANY}>
                {t.label}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="From">
          <Input
            type="date"
            value={filters.from}
            max={filters.to || undefined}
            onChange={(_, data) => update({ from: data.value })}
          />
        </Field>
        <Field label="To">
          <Input
            type="date"
            value={filters.to}
            min={filters.from || undefined}
            onChange={(_, data) => update({ to: data.value })}
          />
        </Field>
      </div>
      {body}
    </section>
  );
}
