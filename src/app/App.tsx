import { FluentProvider, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { ErrorState, LoadingState } from '../components/PageState/PageState.js';
import { NoRoleNotice } from '../components/NoRoleNotice/NoRoleNotice.js';
import { PersonaPicker } from '../components/PersonaPicker/PersonaPicker.js';
import { Shell } from '../components/Shell/Shell.js';
import { detectHost } from '../host/teams-host.js';
import type { HostInfo } from '../host/host-types.js';
import { fluentTheme } from '../host/theme.js';
import { RouterProvider } from '../router/Router.js';
import { ChangesProvider } from '../session/Changes.js';
import { SessionProvider } from '../session/Session.js';
import { useAppBootstrap } from './useAppBootstrap.js';
import { useAppStyles } from './useAppStyles.styles.js';
import { useHostTheme } from './useHostTheme.js';

export interface AppProps {
  /** How the host is found; tests pass a browser host instead of waiting for TeamsJS. */
  detect?: () => Promise<HostInfo>;
  /** How often to poll /api/v1/changes; 0 turns polling off. */
  pollIntervalMs?: number;
}

export function App({ detect = detectHost, pollIntervalMs }: AppProps) {
  const { state, host, pickPersona, retry } = useAppBootstrap(detect);
  const theme = useHostTheme(host);
  const styles = useAppStyles();

  let body;
  switch (state.phase) {
    case 'starting':
      body = (
        <div className={styles.centered}>
          <LoadingState label="Starting Agent Warden" />
        </div>
      );
      break;
    case 'failed':
      body = (
        <div className={styles.centered}>
          <ErrorState title="Agent Warden could not start" error={state.error} onRetry={retry} />
        </div>
      );
      break;
    case 'needsTeams':
      body = (
        <div className={styles.centered}>
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>Open Agent Warden in Microsoft Teams</MessageBarTitle>
              This server signs people in with Microsoft Entra through Teams single sign-on. Open the Agent Warden tab
              in Teams.
            </MessageBarBody>
          </MessageBar>
        </div>
      );
      break;
    case 'noRole':
      body = (
        <div className={styles.centered}>
          <NoRoleNotice reason={state.reason} onRetry={retry} onSwitchPersona={state.switchPersona ?? undefined} />
        </div>
      );
      break;
    case 'choosePersona':
      body = (
        <div className={styles.centered}>
          <PersonaPicker
            personas={state.personas}
            initialUpn={state.initialUpn}
            notice={state.notice}
            onPick={pickPersona}
          />
        </div>
      );
      break;
    case 'ready':
      body = (
        <SessionProvider value={state.session}>
          <ChangesProvider intervalMs={pollIntervalMs}>
            <RouterProvider>
              <Shell />
            </RouterProvider>
          </ChangesProvider>
        </SessionProvider>
      );
      break;
  }

  // The provider's class is also applied to every portal (toasts, dialogs, dropdown lists): it must not carry the
  // app's height or background, or each pop-up becomes an opaque full-window sheet. The app's frame is a child.
  return (
    <FluentProvider theme={fluentTheme(theme)}>
      <div className={styles.app}>{body}</div>
    </FluentProvider>
  );
}
