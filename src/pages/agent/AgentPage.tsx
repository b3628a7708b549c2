import {
  Badge,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Text,
  Title3,
} from '@fluentui/react-components';
import { IncidentTable } from '../../components/IncidentTable/IncidentTable.js';
import { ErrorState, LoadingState } from '../../components/PageState/PageState.js';
import { RiskSignalList } from '../../components/RiskSignalList/RiskSignalList.js';
import { SectionCard } from '../../components/SectionCard/SectionCard.js';
import { RiskLevelBadge } from '../../components/RiskLevelBadge/RiskLevelBadge.js';
import { LIFECYCLE_LABEL, PLATFORM_LABEL, formatDateTime } from '../../format.js';
import { RouterLink } from '../../router/RouterLink.js';
import { AgentActions } from './AgentActions.js';
import { AgentOverview } from './AgentOverview.js';
import { AgentSecurity } from './AgentSecurity.js';
import { ToolTable } from './ToolTable.js';
import { useAgentPage } from './useAgentPage.js';
import { useAgentPageStyles } from './useAgentPageStyles.styles.js';

export interface AgentPageProps {
  agentId: string;
}

/** One agent: overview, security (IT or SOC view), risk signals, tools, incidents and the actions. */
export function AgentPage({ agentId }: AgentPageProps) {
  const styles = useAgentPageStyles();
  const { resource, view, setView, canSwitchView } = useAgentPage(agentId);
  if (resource.error)
    return <ErrorState title="Could not load the agent" error={resource.error} onRetry={resource.retry} />;
  if (!resource.data) return <LoadingState label="Loading agent" />;
  const detail = resource.data;
  const { agent, risk } = detail;
  return (
    <article className={styles.root} aria-labelledby="agent-title">
      <div className={styles.header}>
        <div className={styles.titleBlock}>
          <RouterLink href="/agents">All agents</RouterLink>
          <Title3 as="h1" id="agent-title" className={styles.title}>
            {agent.name}
          </Title3>
          <div className={styles.meta}>
            <Text className={styles.score}>Risk score {risk.score}</Text>
            <RiskLevelBadge level={risk.level} score={risk.score} showBand />
            <Badge
              appearance={agent.lifecycle === 'blocked' ? 'filled' : 'outline'}
              color={agent.lifecycle === 'blocked' ? 'danger' : 'success'}
            >
              {LIFECYCLE_LABEL[agent.lifecycle]}
            </Badge>
            <Caption1>
              {PLATFORM_LABEL[agent.platform] ?? agent.platform} · version {agent.version} · {agent.publishStatus}
            </Caption1>
          </div>
        </div>
        <div className={styles.actions} role="group" aria-label="Agent actions">
          <AgentActions detail={detail} onDone={resource.refresh} />
        </div>
      </div>
      {agent.lifecycle === 'blocked' ? (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Blocked</MessageBarTitle>
            {`Blocked ${agent.blockedAt ? formatDateTime(agent.blockedAt) : ''}${agent.blockedBy ? ` by ${agent.blockedBy}` : ''}${agent.blockReason ? `: ${agent.blockReason}` : '.'}`}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {detail.pendingSubmission ? (
        <MessageBar intent="info">
          <MessageBarBody>
            <MessageBarTitle>Version {detail.pendingSubmission.version} awaits review</MessageBarTitle>
            Submitted by {detail.pendingSubmission.submittedBy} on{' '}
            {formatDateTime(detail.pendingSubmission.submittedAt)}.
          </MessageBarBody>
          <MessageBarActions>
            <RouterLink href="/approvals">Review</RouterLink>
          </MessageBarActions>
        </MessageBar>
      ) : null}
      <div className={styles.grid}>
        <AgentOverview agent={agent} />
        <SectionCard title={`Risk signals (${risk.signals.length})`}>
          {risk.signals.length === 0 ? (
            <Caption1>No risk signal fired.</Caption1>
          ) : (
            <RiskSignalList signals={risk.signals} label="Risk signals" />
          )}
        </SectionCard>
      </div>
      <AgentSecurity view={view} alerts={detail.alerts} canSwitchView={canSwitchView} onViewChange={setView} />
      <ToolTable tools={agent.tools} />
      <SectionCard title={`Incidents (${detail.incidents.length})`}>
        {detail.incidents.length === 0 ? (
          <Caption1>
            {view === 'it'
              ? 'No unresolved high or critical incident involves this agent (IT view).'
              : 'No incident involves this agent.'}
          </Caption1>
        ) : (
          <div className={styles.scroll}>
            <IncidentTable incidents={detail.incidents} label="Incidents involving this agent" />
          </div>
        )}
      </SectionCard>
    </article>
  );
}
