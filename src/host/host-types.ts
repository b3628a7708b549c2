/** Teams' theme names; the browser maps prefers-color-scheme onto the first two. */
export type HostThemeName = 'default' | 'dark' | 'contrast';

/** Where the tab runs and what the host offers it. */
export interface HostInfo {
  inTeams: boolean;
  theme: HostThemeName;
  /** Teams sub-entity id of a deep link (`incident:<id>`), null in a browser. */
  subPageId: string | null;
  /** Subscribe to theme changes; returns an unsubscribe function. */
  onThemeChange(handler: (theme: HostThemeName) => void): () => void;
  /** Teams SSO token (authentication.getAuthToken). Rejects outside Teams. */
  getAuthToken(): Promise<string>;
  /** Whether the host recommends nested app authentication (msal-browser NAA). */
  naaRecommended: boolean;
}
