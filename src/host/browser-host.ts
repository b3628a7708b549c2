import type { HostInfo, HostThemeName } from './host-types.js';

/** `?theme=dark|contrast|light` overrides the system preference, for testing. */
export function themeFromQuery(search: string): HostThemeName | null {
  const value = new URLSearchParams(search).get('theme');
  if (value === 'dark') return 'dark';
  if (value === 'contrast' || value === 'highContrast') return 'contrast';
  if (value === 'light' || value === 'default') return 'default';
  return null;
}

function systemTheme(): HostThemeName {
  if (typeof window.matchMedia !== 'function') return 'default';
  if (window.matchMedia('(forced-colors: active)').matches) return 'contrast';
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'default';
}

/** The tab opened in a plain browser: themes from the system or `?theme=`, no SSO. */
export function createBrowserHost(): HostInfo {
  const forced = themeFromQuery(window.location.search);
  return {
    inTeams: false,
    theme: forced ?? systemTheme(),
    subPageId: null,
    naaRecommended: false,
    onThemeChange(handler) {
      if (forced || typeof window.matchMedia !== 'function') return () => undefined;
      const queries = [window.matchMedia('(prefers-color-scheme: dark)'), window.matchMedia('(forced-colors: active)')];
      const listener = () => handler(systemTheme());
      queries.forEach((q) => q.addEventListener?.('change', listener));
      return () => queries.forEach((q) => q.removeEventListener?.('change', listener));
    },
    getAuthToken: () => Promise.reject(new Error('Single sign-on is only available inside Microsoft Teams.')),
  };
}
