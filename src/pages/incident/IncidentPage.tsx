import { Badge, Caption1, MessageBar, MessageBarBody, MessageBarTitle, Title3 } from '@fluentui/react-components';
import { AlertTable } from '../../components/AlertTable/AlertTable.js';
import { EntityGraph } from '../../components/EntityGraph/EntityGraph.js';
import { ErrorState, LoadingState } from '../../components/PageState/PageState.js';
import { SectionCard } from '../../components/SectionCard/SectionCard.js';
import { SeverityBadge } from '../../components/SeverityBadge/SeverityBadge.js';
import { CLASSIFICATION_LABEL, INCIDENT_STATUS_LABEL, formatDateTime } from '../../format.js';
import { RouterLink } from '../../router/RouterLink.js';
import { IncidentActions } from './IncidentActions.js';
import { IncidentTimeline } from './IncidentTimeline.js';
import { useIncidentPage } from './useIncidentPage.js';
import { useIncidentPageStyles } from './useIncidentPageStyles.styles.js';

export interface IncidentPageProps {
  incidentId: string;
}

/** One incident: who and what was involved (graph), every attempt (timeline), its alerts and the response. */
export function IncidentPage({ incidentId }: IncidentPageProps) {
  const styles = useIncidentPageStyles();
  const { resource, openAgent } = useIncidentPage(incidentId);
  if (resource.error)
    return <ErrorState title="Could not load the incident" error={resource.error} onRetry={resource.retry} />;
  if (!resource.data) return <LoadingState label="Loading incident" />;
  const detail = resource.data;
  const { incident } = detail;
  return (
    <article className={styles.root} aria-labelledby="incident-title">
      <div className={styles.header}>
        <RouterLink href="/incidents">All incidents</RouterLink>
        <Title3 as="h1" id="incident-title" className={styles.title}>
          {incident.title}
        </Title3>
        <div className={styles.meta}>
          <SeverityBadge severity={incident.severity} />
          <Badge appearance="outline" color={incident.status === 'resolved' ? 'success' : 'warning'}>
            {INCIDENT_STATUS_LABEL[incident.status] ?? incident.status}
          </Badge>
          <Caption1>{incident.category}</Caption1>
          <Caption1>Assigned to {incident.assignedTo ?? 'nobody'}</Caption1>
          <Caption1>
            First activity {formatDateTime(incident.firstActivityAt)} · last {formatDateTime(incident.lastActivityAt)}
          </Caption1>
          <Caption1>
            {incident.alertCount} alert{incident.alertCount === 1 ? '' : 's'}, {incident.eventCount} event
            {incident.eventCount === 1 ? '' : 's'}
          </Caption1>
        </div>
      </div>
      <div className={styles.actions} role="group" aria-label="Incident actions">
        <IncidentActions detail={detail} onDone={resource.refresh} />
      </div>
      {incident.status === 'resolved' ? (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>
              Resolved{incident.classification ? ` as ${CLASSIFICATION_LABEL[incident.classification]}` : ''}
            </MessageBarTitle>
            {`${formatDateTime(incident.resolvedAt)}${incident.resolvedBy ? ` by ${incident.resolvedBy}` : ''}${incident.resolutionComment ? `: ${incident.resolutionComment}` : ''}`}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      <SectionCard title="Entities">
        <EntityGraph entities={incident.entities} timeline={detail.timeline} onOpenAgent={openAgent} />
      </SectionCard>
      <SectionCard title={`Timeline (${detail.timeline.length + detail.responses.length})`}>
        {detail.timeline.length + detail.responses.length === 0 ? (
          <Caption1>No events.</Caption1>
        ) : (
          <IncidentTimeline events={detail.timeline} responses={detail.responses} />
        )}
      </SectionCard>
      <SectionCard title={`Alerts (${detail.alerts.length})`}>
        {detail.alerts.length === 0 ? (
          <Caption1>No alerts.</Caption1>
        ) : (
          <div className={styles.scroll}>
            <AlertTable alerts={detail.alerts} label="Alerts" linkIncidents={false} />
          </div>
        )}
      </SectionCard>
    </article>
  );
}
