import { Badge, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components';
import type { Alert } from '../../api/types.js';
import { INCIDENT_STATUS_LABEL, formatDateTime } from '../../format.js';
import { RouterLink } from '../../router/RouterLink.js';
import { incidentPath } from '../../router/routes.js';
import { SeverityBadge } from '../SeverityBadge/SeverityBadge.js';

export interface AlertTableProps {
  alerts: Alert[];
  /** Name of the table for assistive technology. */
  label: string;
  /** Link each alert to its incident (off on the incident page itself). */
  linkIncidents?: boolean;
}

export function AlertTable({ alerts, label, linkIncidents = true }: AlertTableProps) {
  return (
    <Table aria-label={label} size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Severity</TableHeaderCell>
          <TableHeaderCell>Alert</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell>Category</TableHeaderCell>
          <TableHeaderCell>Detector</TableHeaderCell>
          <TableHeaderCell>Events</TableHeaderCell>
          <TableHeaderCell>Last activity</TableHeaderCell>
          {linkIncidents ? <TableHeaderCell>Incident</TableHeaderCell> : null}
        </TableRow>
      </TableHeader>
      <TableBody>
        {alerts.map((alert) => (
          <TableRow key={alert.id}>
            <TableCell>
              <SeverityBadge severity={alert.severity} />
            </TableCell>
            <TableCell>{alert.title}</TableCell>
            <TableCell>
              <Badge appearance="outline" color={alert.status === 'resolved' ? 'success' : 'informative'}>
                {INCIDENT_STATUS_LABEL[alert.status] ?? alert.status}
              </Badge>
            </TableCell>
            <TableCell>{alert.category}</TableCell>
            <TableCell>{alert.detectorId}</TableCell>
            <TableCell>{alert.eventCount}</TableCell>
            <TableCell>{formatDateTime(alert.lastActivityAt)}</TableCell>
            {linkIncidents ? (
              <TableCell>
                {alert.incidentId ? <RouterLink href={incidentPath(alert.incidentId)}>Open incident</RouterLink> : '—'}
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
