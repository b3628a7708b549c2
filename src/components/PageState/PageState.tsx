import {
  Body1,
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { usePageStateStyles } from './usePageStateStyles.styles.js';

export function LoadingState({ label }: { label: string }) {
  const styles = usePageStateStyles();
  return (
    <div className={styles.center}>
      <Spinner label={label} labelPosition="below" />
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  const styles = usePageStateStyles();
  return (
    <div className={styles.center} role="status">
      <Subtitle2>{title}</Subtitle2>
      {children ? <Body1>{children}</Body1> : null}
    </div>
  );
}

export interface ErrorStateProps {
  title: string;
  error: Error;
  onRetry(): void;
}

/** A failed load: the server's message and a Retry button. */
export function ErrorState({ title, error, onRetry }: ErrorStateProps) {
  const styles = usePageStateStyles();
  return (
    <MessageBar intent="error" className={styles.error} layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {error.message}
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={onRetry}>Retry</Button>
      </MessageBarActions>
    </MessageBar>
  );
}
