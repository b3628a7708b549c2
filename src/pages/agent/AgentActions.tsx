import { MailRegular } from '@fluentui/react-icons/svg/mail';
import { ProhibitedRegular } from '@fluentui/react-icons/svg/prohibited';
import { ShieldCheckmarkRegular } from '@fluentui/react-icons/svg/shield-checkmark';
import type { AgentDetail } from '../../api/types.js';
import { ActionDialogButton } from '../../components/ConfirmActionDialog/ActionDialogButton.js';
import { ReadOnlyNote } from '../../components/ReadOnlyNote/ReadOnlyNote.js';
import { useCan, useSession } from '../../session/Session.js';

export interface AgentActionsProps {
  detail: AgentDetail;
  /** Reload the page's data after an action (the change poll would too, a little later). */
  onDone(): void;
}

function notifyText(detail: AgentDetail): string {
  const top = detail.risk.signals.slice(0, 3).map((s) => `- ${s.title}`);
  return [
    `Agent Warden found risks in your agent "${detail.agent.name}":`,
    ...top,
    'Please review it and submit a safer version.',
  ].join('\n');
}

/** Block or unblock the agent and notify its maker; shown only to people who may do them. */
export function AgentActions({ detail, onDone }: AgentActionsProps) {
  const { api } = useSession();
  const can = useCan();
  const { agent } = detail;
  const blocked = agent.lifecycle === 'blocked';
  const showBlock = !blocked && can('blockAgent');
  const showUnblock = blocked && can('unblockAgent');
  const showNotify = can('notifyMaker');
  if (!showBlock && !showUnblock && !showNotify) {
    return (
      <ReadOnlyNote
        actions={[blocked ? 'unblockAgent' : 'blockAgent', 'notifyMaker']}
        doing={blocked ? 'unblock this agent or notify its maker' : 'block this agent or notify its maker'}
      />
    );
  }
  return (
    <>
      {/* One button that turns from Block into Unblock, so focus stays on it after the dialog closes. */}
      {showBlock || showUnblock ? (
        <ActionDialogButton
          label={blocked ? 'Unblock agent' : 'Block agent'}
          icon={blocked ? <ShieldCheckmarkRegular /> : <ProhibitedRegular />}
          appearance={blocked ? 'secondary' : 'primary'}
          title={`${blocked ? 'Unblock' : 'Block'} ${agent.name}`}
          description={
            blocked
              ? 'The agent becomes available again and its tool calls are no longer blocked.'
              : 'A blocked agent disappears from the agent store for new users and stops working for current ones: every tool call it makes is blocked.'
          }
          confirmLabel={blocked ? 'Unblock' : 'Block'}
          textLabel="Reason"
          textRequired
          onConfirm={async (reason, key) => {
            const result = blocked
              ? await api.unblockAgent(agent.id, reason, key)
              : await api.blockAgent(agent.id, reason, key);
            onDone();
            return result;
          }}
        />
      ) : null}
      {showNotify ? (
        <ActionDialogButton
          label="Notify maker"
          icon={<MailRegular />}
          title={`Notify the maker of ${agent.name}`}
          description={`The message goes to ${agent.createdBy}.`}
          confirmLabel="Send"
          textLabel="Message"
          textRequired
          initialText={notifyText(detail)}
          onConfirm={(message, key) => api.notifyMaker(agent.id, message, key)}
        />
      ) : null}
    </>
  );
}
