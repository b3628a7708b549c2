import type { Classification, Lifecycle, Platform, Role } from './api/types.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? dateTime.format(d) : '—';
}

export function formatDate(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? dateOnly.format(d) : '—';
}

export function formatTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? timeOnly.format(d) : '—';
}

export const PLATFORM_LABEL: Record<Platform, string> = {
  copilotStudio: 'Copilot Studio',
  azureAIFoundry: 'Azure AI Foundry',
  m365Copilot: 'Microsoft 365 Copilot',
  thirdParty: 'Third party',
};

export const LIFECYCLE_LABEL: Record<Lifecycle, string> = { active: 'Active', blocked: 'Blocked' };

export const CLASSIFICATION_LABEL: Record<Classification, string> = {
  truePositive: 'True positive',
  falsePositive: 'False positive',
  benignPositive: 'Benign positive',
};

export const ROLE_LABEL: Record<Role, string> = { admin: 'IT admin', responder: 'SOC responder', viewer: 'Viewer' };

export const INCIDENT_STATUS_LABEL: Record<string, string> = {
  active: 'Active',
  inProgress: 'In progress',
  resolved: 'Resolved',
  new: 'New',
};

/** Names spelled as their owners spell them, not as "camelCase" -> "Camel case" would. */
const PROPER_NAMES: Record<string, string> = {
  mcpServer: 'MCP server',
  sharepoint: 'SharePoint',
  sharePoint: 'SharePoint',
  dataverse: 'Dataverse',
  http: 'HTTP',
};

/** "camelCase" -> "Camel case", for enum values without a label table; product names keep their spelling. */
export function humanize(value: string): string {
  const proper = Object.hasOwn(PROPER_NAMES, value) ? PROPER_NAMES[value] : undefined;
  if (proper) return proper;
  const spaced = value.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}
