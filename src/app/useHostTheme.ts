import { useEffect, useState } from 'react';
import { createBrowserHost } from '../host/browser-host.js';
import type { HostInfo, HostThemeName } from '../host/host-types.js';

/** The theme to paint: the browser's guess until the host is known, then the host's, following its changes. */
export function useHostTheme(host: HostInfo | null): HostThemeName {
  const [theme, setTheme] = useState<HostThemeName>(() => createBrowserHost().theme);
  useEffect(() => {
    const source = host ?? createBrowserHost();
    setTheme(source.theme);
    return source.onThemeChange(setTheme);
  }, [host]);
  return theme;
}
