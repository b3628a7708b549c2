import { Button, Spinner } from '@fluentui/react-components';
import { PersonArrowRightRegular } from '@fluentui/react-icons/svg/person-arrow-right';
import { PersonProhibitedRegular } from '@fluentui/react-icons/svg/person-prohibited';
import { ProhibitedRegular } from '@fluentui/react-icons/svg/prohibited';
import { useState } from 'react';
import type { IncidentDetail } from '../../api/types.js';
import { ActionDialogButton } from '../../components/ConfirmActionDialog/ActionDialogButton.js';
import { newIdempotencyKey } from '../../components/ConfirmActionDialog/useConfirmActionDialog.js';
import { ReadOnlyNote } from '../../components/ReadOnlyNote/ReadOnlyNote.js';
import { useActionFeedback } from '../../components/useActionFeedback.js';
import { useCan, useSession } from '../../session/Session.js';
import { ResolveIncidentButton } from './ResolveIncidentButton.js';

const INCIDENT_ACTIONS = ['revokeUser', 'blockAgent', 'assignIncident', 'resolveIncident'] as const;

export interface IncidentActionsProps {
  detail: IncidentDetail;
  onDone(): void;
}

/** Revoke users, block agents, take the incident, resolve it; each shown only to people who may. */
export function IncidentActions({ detail, onDone }: IncidentActionsProps) {
  const { api, me } = useSession();
  const can = useCan();
  const { showResult, showError } = useActionFeedback();
  const [assigning, setAssigning] = useState(false);
  const { incident } = detail;
  const open = incident.status !== 'resolved';
  // Once a user's sessions are revoked for this incident, revoking again is no longer the next step.
  const revoked = new Set(
    detail.responses.filter((r) => r.action === 'revokeUser' && r.targetType === 'user').map((r) => r.targetId),
  );
  // With every user revoked, resolving is what is left to do.
  const resolveNext = open && incident.entities.users.every((u) => revoked.has(u.userId));

  const assignToMe = async () => {
    setAssigning(true);
    try {
      showResult('Assign to me', await api.assignIncident(incident.id, newIdempotencyKey()));
      onDone();
    } catch (error) {
      showError('Assign to me', error);
    } finally {
      setAssigning(false);
    }
  };

  if (!INCIDENT_ACTIONS.some(can)) {
    return <ReadOnlyNote actions={INCIDENT_ACTIONS} doing="revoke users, block agents or resolve incidents" />;
  }
  return (
    <>
      {can('revokeUser')
        ? incident.entities.users.map((user) => (
            <ActionDialogButton
              key={user.userId}
              label={`${revoked.has(user.userId) ? 'Revoke sessions again' : 'Revoke sessions & require password reset'}: ${user.displayName}`}
              icon={<PersonProhibitedRegular />}
              appearance={open && !revoked.has(user.userId) ? 'primary' : 'secondary'}
              title="Revoke sessions and require a password reset"
              description={`${user.displayName} (${user.upn}) is signed out everywhere and confirmed compromised, so the next sign-in requires a password reset. Revocation can take a few minutes.`}
              confirmLabel="Revoke"
              onConfirm={async (_, key) => {
                const result = await api.revokeUser(user.userId, incident.id, key);
                onDone();
                return result;
              }}
            />
          ))
        : null}
      {can('blockAgent')
        ? incident.entities.agents.map((agent) => (
            <ActionDialogButton
              key={agent.agentId}
              label={`Block agent: ${agent.agentName}`}
              icon={<ProhibitedRegular />}
              title={`Block ${agent.agentName}`}
              description="A blocked agent disappears from the agent store for new users and stops working for current ones."
              confirmLabel="Block"
              textLabel="Reason"
              textRequired
              initialText={`Incident: ${incident.title}`}
              onConfirm={async (reason, key) => {
                const result = await api.blockAgent(agent.agentId, reason, key);
                onDone();
                return result;
              }}
            />
          ))
        : null}
      {open && can('assignIncident') && incident.assignedTo !== me.upn ? (
        <Button
          icon={assigning ? <Spinner size="tiny" /> : <PersonArrowRightRegular />}
          disabled={assigning}
          onClick={() => void assignToMe()}
        >
          Assign to me
        </Button>
      ) : null}
      {open && can('resolveIncident') ? (
        <ResolveIncidentButton
          appearance={resolveNext ? 'primary' : 'secondary'}
          incidentTitle={incident.title}
          onResolve={async (classification, comment, key) => {
            const result = await api.resolveIncident(incident.id, classification, comment, key);
            onDone();
            return result;
          }}
        />
      ) : null}
    </>
  );
}
