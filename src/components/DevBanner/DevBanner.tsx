import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';

export interface DevBannerProps {
  displayName: string;
  upn: string;
  onSwitch(): void;
}

/** Shown on every page while AUTH=dev: the identity is a picked persona, not a sign-in. */
export function DevBanner({ displayName, upn, onSwitch }: DevBannerProps) {
  return (
    <MessageBar intent="warning">
      <MessageBarBody>
        <MessageBarTitle>Development sign-in</MessageBarTitle>
        You act as {displayName} ({upn}), a demo persona. Nobody is authenticated.
      </MessageBarBody>
      <MessageBarActions>
        <Button size="small" onClick={onSwitch}>
          Switch persona
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
