import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorState } from '../PageState/PageState.js';

export interface PageErrorBoundaryProps {
  /** When it changes (another page, or the server answering again) a failed page is tried again. */
  resetKey: string;
  /** Called before a failed page is tried again (lets failed code loads start over). */
  onReset?(): void;
  children: ReactNode;
}

interface PageErrorBoundaryState {
  error: Error | undefined;
  key: string;
}

/** What the browser says when a page's code could not be fetched (Chromium, Firefox, Safari). */
const CODE_NOT_FETCHED = /dynamically imported module|Importing a module script failed|Unable to preload/i;

/** Says why in words a person understands, never the browser's bare "Failed to fetch ...". */
function explained(error: Error): Error {
  if (!CODE_NOT_FETCHED.test(error.message)) return error;
  return new Error(
    'The Agent Warden server cannot be reached, so this page could not be loaded. It loads by itself when the server is back.',
  );
}

/**
 * Keeps the header and navigation on screen when a page fails to render (its code could not be fetched while the
 * server was stopped, or it threw): without it React unmounts the whole tab and leaves a blank window.
 */
export class PageErrorBoundary extends Component<PageErrorBoundaryProps, PageErrorBoundaryState> {
  override state: PageErrorBoundaryState = { error: undefined, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<PageErrorBoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(
    props: PageErrorBoundaryProps,
    state: PageErrorBoundaryState,
  ): Partial<PageErrorBoundaryState> | null {
    if (props.resetKey === state.key) return null;
    if (state.error) props.onReset?.();
    return { error: undefined, key: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.warn('the page failed to render', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <ErrorState
        title="This page could not be shown"
        error={explained(error)}
        onRetry={() => {
          this.props.onReset?.();
          this.setState({ error: undefined });
        }}
      />
    );
  }
}
