import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons/svg/dismiss';
import { useDevBannerStyles } from './useDevBannerStyles.styles.js';

export interface DevBannerProps {
  displayName: string;
  upn: string;
  onSwitch(): void;
  /** Hides the banner; the header keeps a "Dev" badge that brings it back. */
  onDismiss(): void;
}

/**
 * Shown while AUTH=dev: the identity is a picked persona, not a sign-in. One line on a phone (the persona's name
 * only), the whole sentence on wider windows.
 */
export function DevBanner({ displayName, upn, onSwitch, onDismiss }: DevBannerProps) {
  const styles = useDevBannerStyles();
  return (
    <MessageBar intent="warning" layout="singleline" className={styles.bar}>
      <MessageBarBody className={styles.body}>
        <MessageBarTitle>Development sign-in</MessageBarTitle>
        <span className={styles.long}>
          You act as {displayName} ({upn}), a demo persona. Nobody is authenticated.
        </span>
        <span className={styles.short} aria-hidden>
          as {displayName}
        </span>
      </MessageBarBody>
      <MessageBarActions
        containerAction={
          <Button
            appearance="transparent"
            size="small"
            icon={<DismissRegular />}
            aria-label="Hide the development sign-in notice"
            onClick={onDismiss}
          />
        }
      >
        <Button size="small" onClick={onSwitch} aria-label="Switch persona">
          <span className={styles.long}>Switch persona</span>
          <span className={styles.short}>Switch</span>
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
