import { Badge, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components';
import { actionLabel } from '../../../bot/src/domain/authorization.js';
import type { AuditRecord, ProtectionEvent } from '../../api/types.js';
import { formatDate, formatTime } from '../../format.js';
import { useIncidentPageStyles } from './useIncidentPageStyles.styles.js';

type Entry =
  { at: string; event: ProtectionEvent; response?: never } | { at: string; response: AuditRecord; event?: never };

/** What a response row says: who did what to whom, and why. */
export function responseSummary(r: AuditRecord): string {
  const who = r.actorName || r.actor;
  return `${who}: ${actionLabel(r.action)}, ${r.targetName || r.targetId}${r.detail ? ` (${r.detail})` : ''}`;
}

/**
 * Every attempt and every response, oldest first: when, from where, which tool, what protection decided and why;
 * and who revoked, blocked, took or resolved what.
 */
export function IncidentTimeline({ events, responses = [] }: { events: ProtectionEvent[]; responses?: AuditRecord[] }) {
  const styles = useIncidentPageStyles();
  const entries: Entry[] = [
    ...events.map((event) => ({ at: event.occurredAt, event })),
    ...responses.map((response) => ({ at: response.at, response })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
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
          {entries.map(({ event: e, response }) =>
            response ? (
              <TableRow key={`response-${response.id}`} className={styles.response}>
                <TableCell>{formatDate(response.at)}</TableCell>
                <TableCell>{formatTime(response.at)}</TableCell>
                <TableCell>Response</TableCell>
                <TableCell>—</TableCell>
                <TableCell>—</TableCell>
                <TableCell>
                  <Badge appearance="tint" color="brand">
                    {actionLabel(response.action)}
                  </Badge>
                </TableCell>
                <TableCell>—</TableCell>
                <TableCell className={styles.summary}>{responseSummary(response)}</TableCell>
              </TableRow>
            ) : (
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
                <TableCell className={styles.summary}>
                  {e.summary}
                  {e.prompt ? (
                    // Rendered as text (React escapes it): a prompt is attacker-written.
                    <blockquote className={styles.prompt} aria-label="Prompt the user wrote">
                      “{e.prompt}”
                    </blockquote>
                  ) : null}
                </TableCell>
              </TableRow>
            ),
          )}
        </TableBody>
      </Table>
    </div>
  );
}
