import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';

export interface NoRoleNoticeProps {
  /** The server's refusal, naming the account. */
  reason: string;
  /** Signs in again (after an admin assigned a role). */
  onRetry(): void;
  /** Development sign-in only: pick another persona. */
  onSwitchPersona?: () => void;
}

/**
 * A signed-in person the server refuses (403 from /me): they have no Agent Warden app role yet. Says what
 * to ask for instead of a blank page or a bare error.
 */
export function NoRoleNotice({ reason, onRetry, onSwitchPersona }: NoRoleNoticeProps) {
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>You have no Agent Warden role</MessageBarTitle>
        Ask an Agent Warden admin to assign you the Warden.Viewer role (or Warden.Responder to act on incidents) on the
        Agent Warden app in Microsoft Entra, then sign in again. The server said: {reason}.
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={onRetry}>Try again</Button>
        {onSwitchPersona ? <Button onClick={onSwitchPersona}>Switch persona</Button> : null}
      </MessageBarActions>
    </MessageBar>
  );
}
