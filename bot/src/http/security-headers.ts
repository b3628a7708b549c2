// Headers on every answer (tab, API, webhook, bot). The tab is embedded by Teams and Microsoft 365 only.

/** The hosts that may frame the tab (Teams, Outlook and the Microsoft 365 app, web and desktop). */
export const TAB_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
] as const;

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Griffel (Fluent UI's makeStyles) writes style elements at run time; index.html has a small inline reset.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  `frame-ancestors 'self' ${TAB_FRAME_ANCESTORS.join(' ')}`,
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // Links out of the console (Defender, Entra) carry no incident or agent ids in the Referer.
  'referrer-policy': 'no-referrer',
};

/** Built bundles' source maps are never served: they would hand out the tab's source. */
export const isSourceMap = (urlPath: string): boolean => /\.map$/i.test(urlPath);
