import { Badge, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components';
import type { ProtectionEvent } from '../../api/types.js';
import { formatDate, formatTime } from '../../format.js';
import { useIncidentPageStyles } from './useIncidentPageStyles.styles.js';

/** Every attempt, oldest first: when, from where, which tool, what protection decided and why. */
export function IncidentTimeline({ events }: { events: ProtectionEvent[] }) {
  const styles = useIncidentPageStyles();
  return (
    <div className={styles.scroll}>
      <Table aria-label="Timeline" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Date</TableHeaderCell>
            <TableHeaderCell>Time</TableHeaderCell>
            <TableHeaderCell>Kind</TableHeaderCell>
            <TableHeaderCell>IP address</TableHeaderCell>
            <TableHeaderCell>Tool</TableHeaderCell>
            <TableHeaderCell>Decision</TableHeaderCell>
            <TableHeaderCell>Rules</TableHeaderCell>
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
                        <Badge key={r} appearance="outline">
                          {r}
                        </Badge>
                      ))}
                </div>
              </TableCell>
              <TableCell>{e.summary}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
