import { createBrowserHost } from './browser-host.js';
import type { HostInfo, HostThemeName } from './host-types.js';

export const TEAMS_INIT_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function asThemeName(theme: string | undefined): HostThemeName {
  return theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

/** A top-level window without the mobile bridge cannot be a Teams host: skip loading TeamsJS at all. */
function mayBeHosted(): boolean {
  const w = window as Window & { nativeInterface?: unknown };
  return w.parent !== w.self || Boolean(w.opener) || Boolean(w.nativeInterface);
}

/**
 * Finds out whether the tab runs inside Teams. `app.initialize()` never settles in a frame that is not a
 * Teams host, so it is raced against a timeout and the tab falls back to browser mode.
 */
export async function detectHost(timeoutMs = TEAMS_INIT_TIMEOUT_MS): Promise<HostInfo> {
  if (!mayBeHosted()) return createBrowserHost();
  try {
    const started = Date.now();
    const teams = await withTimeout(import('@microsoft/teams-js'), timeoutMs);
    const remaining = () => Math.max(1, timeoutMs - (Date.now() - started));
    await withTimeout(teams.app.initialize(), remaining());
    const context = await withTimeout(teams.app.getContext(), remaining());
    void teams.app.notifySuccess().catch(() => undefined);
    const handlers = new Set<(theme: HostThemeName) => void>();
    teams.app.registerOnThemeChangeHandler((theme) => handlers.forEach((h) => h(asThemeName(theme))));
    let naaRecommended = false;
    try {
      naaRecommended = teams.nestedAppAuth.isNAAChannelRecommended();
    } catch {
      naaRecommended = false;
    }
    return {
      inTeams: true,
      theme: asThemeName(context.app.theme),
      subPageId: context.page.subPageId || null,
      naaRecommended,
      onThemeChange(handler) {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
      getAuthToken: () => teams.authentication.getAuthToken(),
    };
  } catch {
    return createBrowserHost();
  }
}
