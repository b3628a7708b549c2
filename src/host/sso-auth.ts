import type { AuthHeadersProvider } from '../api/api-client.js';
import type { HostInfo } from './host-types.js';

/** Seconds left before a JWT expires; 0 when it cannot be read. */
function secondsLeft(token: string): number {
  try {
    const payload = token.split('.')[1];
    if (!payload) return 0;
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof json.exp === 'number' ? json.exp - Date.now() / 1000 : 0;
  } catch {
    return 0;
  }
}

/**
 * The API scope the tab's SSO token is for: webApplicationInfo.resource (the Entra app's identifier URI, in the
 * botid- form because the bot shares the app for its own SSO) and the exposed scope.
 */
export function apiScope(clientId: string, host = window.location.host): string {
  return `api://${host}/botid-${clientId}/access_as_user`;
}

/** Nested app authentication through msal-browser, loaded only when the host recommends it. */
async function naaTokenSource(clientId: string): Promise<() => Promise<string>> {
  const msal = await import('@azure/msal-browser');
  const pca = await msal.createNestablePublicClientApplication({
    auth: { clientId, authority: 'https://login.microsoftonline.com/organizations' },
  });
  const scopes = [apiScope(clientId)];
  return async () => {
    const account = pca.getActiveAccount() ?? pca.getAllAccounts()[0];
    try {
      if (!account) throw new Error('no account yet');
      return (await pca.acquireTokenSilent({ scopes, account })).accessToken;
    } catch {
      const result = await pca.acquireTokenPopup({ scopes });
      pca.setActiveAccount(result.account);
      return result.accessToken;
    }
  };
}

/**
 * `Authorization: Bearer` headers from Teams SSO: NAA when the host recommends it, else
 * `authentication.getAuthToken()`. Tokens are reused until five minutes before they expire.
 */
export function createSsoAuth(host: HostInfo, clientId: string | null): AuthHeadersProvider {
  let cached: string | null = null;
  let source: Promise<() => Promise<string>> | null = null;
  const getSource = () => {
    source ??= (async () => {
      if (host.naaRecommended && clientId) {
        try {
          return await naaTokenSource(clientId);
        } catch {
          // Fall back to the classic SSO call below.
        }
      }
      return () => host.getAuthToken();
    })();
    return source;
  };
  return async ({ refresh }) => {
    if (refresh || !cached || secondsLeft(cached) < 300) {
      const acquire = await getSource();
      cached = await acquire();
    }
    return { Authorization: `Bearer ${cached}` };
  };
}
