import { Badge, Body1 } from '@fluentui/react-components';
import { useEffect, useState, type ReactNode } from 'react';
import type { Agent } from '../../api/types.js';
import { SectionCard } from '../../components/SectionCard/SectionCard.js';
import { formatDateTime, humanize } from '../../format.js';
import { RouterLink } from '../../router/RouterLink.js';
import { agentPath } from '../../router/routes.js';
import { useSession } from '../../session/Session.js';
import { useAgentPageStyles } from './useAgentPageStyles.styles.js';

function Fact({ term, children }: { term: string; children: ReactNode }) {
  const styles = useAgentPageStyles();
  return (
    <>
      <dt className={styles.term}>{term}</dt>
      <dd className={styles.definition}>{children}</dd>
    </>
  );
}

/**
 * The names of other agents (the record names them by id only); an agent that cannot be read, or is not
 * in the registry, keeps its id.
 */
function useAgentNames(ids: string[]): Map<string, string> {
  const { api } = useSession();
  const [names, setNames] = useState(() => new Map<string, string>());
  const key = ids.join(',');
  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    void Promise.all(
      key.split(',').map((id) =>
        api.getAgent(id, 'it', controller.signal).then(
          (detail) => [id, detail.agent.name] as const,
          () => null,
        ),
      ),
    ).then((found) => {
      if (!controller.signal.aborted) setNames(new Map(found.filter((f) => f !== null)));
    });
    return () => controller.abort();
  }, [api, key]);
  return names;
}

function AgentLinks({ ids }: { ids: string[] }) {
  const styles = useAgentPageStyles();
  const names = useAgentNames(ids);
  if (ids.length === 0) return <>None</>;
  return (
    <ul className={styles.inlineList}>
      {ids.map((id) => (
        <li key={id}>
          <RouterLink href={agentPath(id)}>{names.get(id) ?? id}</RouterLink>
        </li>
      ))}
    </ul>
  );
}

/** Who made the agent, when it changed, who owns it, what starts it and what it talks to. */
export function AgentOverview({ agent }: { agent: Agent }) {
  const styles = useAgentPageStyles();
  return (
    <SectionCard title="Overview">
      <Body1>{agent.description || 'No description.'}</Body1>
      <dl className={styles.facts}>
        <Fact term="Created">
          {formatDateTime(agent.createdAt)} by {agent.createdBy}
        </Fact>
        <Fact term="Last modified">
          {formatDateTime(agent.lastModifiedAt)} by {agent.lastModifiedBy}
        </Fact>
        <Fact term="Published">
          {agent.publishedAt ? `${formatDateTime(agent.publishedAt)} by ${agent.publishedBy ?? 'unknown'}` : 'Draft'}
        </Fact>
        <Fact term="Owners">{agent.owners.length ? agent.owners.join(', ') : 'No owner'}</Fact>
        <Fact term="User sign-in">
          {humanize(agent.userAuthentication)} ({humanize(agent.authenticationTrigger)})
        </Fact>
        <Fact term="Shared with">{humanize(agent.accessControl)}</Fact>
        <Fact term="Triggers">
          {agent.triggers.length === 0 ? (
            'None'
          ) : (
            <ul className={styles.inlineList}>
              {agent.triggers.map((t) => (
                <li key={t.name}>
                  <Badge appearance="outline">
                    {t.name} ({humanize(t.kind)})
                  </Badge>
                </li>
              ))}
            </ul>
          )}
        </Fact>
        <Fact term="Connected agents">
          <AgentLinks ids={agent.connectedAgentIds} />
        </Fact>
        <Fact term="Child agents">
          <AgentLinks ids={agent.childAgentIds} />
        </Fact>
        <Fact term="Knowledge">
          {agent.knowledgeSources.length === 0
            ? 'None'
            : agent.knowledgeSources
                .map(
                  (k) =>
                    `${k.name} (${humanize(k.kind)}${k.connectionMode === 'maker' ? ", maker's credentials" : ''})`,
                )
                .join(', ')}
        </Fact>
        <Fact term="Channels">{agent.channels.length ? agent.channels.join(', ') : 'None'}</Fact>
        <Fact term="Users">{agent.userCount.toLocaleString()}</Fact>
        <Fact term="Last activity">{formatDateTime(agent.lastActivityAt)}</Fact>
        <Fact term="Environment">{agent.environmentId}</Fact>
      </dl>
    </SectionCard>
  );
}
