import { Badge, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components';
import type { ProtectionEvent } from '../../api/types.js';
import { formatDate, formatTime } from '../../format.js';
import { useIncidentPageStyles } from './useIncidentPageStyles.styles.js';

/** Every attempt, oldest first: when, from where, which tool, what protection decided and why. */
export function IncidentTimeline({ events }: { events: ProtectionEvent[] }) {
  const styles = useIncidentPageStyles();
  return (
    <div className={styles.scroll}>
      <Table aria-label="Timeline" size="small" className={styles.timeline}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell className={styles.colDate}>Date</TableHeaderCell>
            <TableHeaderCell className={styles.colTime}>Time</TableHeaderCell>
            <TableHeaderCell className={styles.colKind}>Kind</TableHeaderCell>
            <TableHeaderCell className={styles.colIp}>IP address</TableHeaderCell>
            <TableHeaderCell className={styles.colTool}>Tool</TableHeaderCell>
            <TableHeaderCell className={styles.colDecision}>Decision</TableHeaderCell>
            <TableHeaderCell className={styles.colRules}>Rules</TableHeaderCell>
            <TableHeaderCell>Summary</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {events.map((e) => (
            <TableRow key={e.id}>
              <TableCell>{formatDate(e.occurredAt)}</TableCell>
              <TableCell>{formatTime(e.occurredAt)}</TableCell>
              <TableCell>{e.kind === 'prompt' ? 'Prompt' : 'Tool call'}</TableCell>
              <TableCell className={styles.mono}>{e.ip ?? '—'}</TableCell>
              <TableCell>{e.toolName ?? '—'}</TableCell>
              <TableCell>
                <Badge
                  appearance="filled"
                  color={e.decision === 'block' ? 'danger' : 'success'}
                  aria-label={e.failMode ? `${e.decision}, by fail mode` : undefined}
                >
                  {e.decision === 'block' ? 'Blocked' : 'Allowed'}
                  {e.failMode ? ' (fail mode)' : ''}
                </Badge>
              </TableCell>
              <TableCell>
                <div className={styles.rules}>
                  {e.rules.length === 0
                    ? '—'
                    : e.rules.map((r) => (
                        <Badge key={r} appearance="outline" className={styles.rule}>
                          {r}
                        </Badge>
                      ))}
                </div>
              </TableCell>
              <TableCell className={styles.summary}>{e.summary}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
