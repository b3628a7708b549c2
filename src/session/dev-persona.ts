/** AUTH=dev: the chosen persona survives reloads in localStorage; `?as=<upn>` picks one from a link. */
export const DEV_PERSONA_KEY = 'agentWarden.devUser';

export function readRememberedPersona(): string | null {
  try {
    return window.localStorage.getItem(DEV_PERSONA_KEY);
  } catch {
    return null;
  }
}

export function rememberPersona(upn: string): void {
  try {
    window.localStorage.setItem(DEV_PERSONA_KEY, upn);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}

export function forgetPersona(): void {
  try {
    window.localStorage.removeItem(DEV_PERSONA_KEY);
  } catch {
    // Nothing stored.
  }
}

/** `?as=<upn>` from the current URL, if any. */
export function personaFromQuery(search: string): string | null {
  const upn = new URLSearchParams(search).get('as');
  return upn && upn.trim() ? upn.trim() : null;
}
