import { Badge, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components';
import type { IncidentSummary } from '../../api/types.js';
import { INCIDENT_STATUS_LABEL, formatDateTime } from '../../format.js';
import { RouterLink } from '../../router/RouterLink.js';
import { incidentPath } from '../../router/routes.js';
import { SeverityBadge } from '../SeverityBadge/SeverityBadge.js';

export interface IncidentTableProps {
  incidents: IncidentSummary[];
  label: string;
}

function entitySummary(i: IncidentSummary): string {
  const parts = [
    i.entities.users.length ? `${i.entities.users.length} user${i.entities.users.length > 1 ? 's' : ''}` : '',
    i.entities.agents.length ? `${i.entities.agents.length} agent${i.entities.agents.length > 1 ? 's' : ''}` : '',
    i.entities.tools.length ? `${i.entities.tools.length} tool${i.entities.tools.length > 1 ? 's' : ''}` : '',
    i.entities.ips.length ? `${i.entities.ips.length} IP${i.entities.ips.length > 1 ? 's' : ''}` : '',
  ].filter(Boolean);
  return parts.join(', ') || '—';
}

/** Incidents with severity, status, assignee, entities and last activity; the title links to the incident. */
export function IncidentTable({ incidents, label }: IncidentTableProps) {
  return (
    <Table aria-label={label} size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Severity</TableHeaderCell>
          <TableHeaderCell>Incident</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell>Assigned to</TableHeaderCell>
          <TableHeaderCell>Entities</TableHeaderCell>
          <TableHeaderCell>Alerts</TableHeaderCell>
          <TableHeaderCell>Last activity</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {incidents.map((incident) => (
          <TableRow key={incident.id}>
            <TableCell>
              <SeverityBadge severity={incident.severity} />
            </TableCell>
            <TableCell>
              <RouterLink href={incidentPath(incident.id)}>{incident.title}</RouterLink>
            </TableCell>
            <TableCell>
              <Badge appearance="outline" color={incident.status === 'resolved' ? 'success' : 'warning'}>
                {INCIDENT_STATUS_LABEL[incident.status] ?? incident.status}
              </Badge>
            </TableCell>
            <TableCell>{incident.assignedTo ?? 'Unassigned'}</TableCell>
            <TableCell>{entitySummary(incident)}</TableCell>
            <TableCell>{incident.alertCount}</TableCell>
            <TableCell>{formatDateTime(incident.lastActivityAt)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
