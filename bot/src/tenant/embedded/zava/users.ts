import type { DirectoryUser, Role } from '../../../domain/types.js';
import type { SeedClock } from '../tenant-seed.js';
import type { ZavaAlias } from './ids.js';
import { upnOf, userIdOf } from './ids.js';

interface Person {
  alias: ZavaAlias;
  displayName: string;
  jobTitle: string;
  department: string;
  roles?: Role[];
  /** False for people who left: their agents keep naming them as owners. */
  enabled?: boolean;
  /** Days ago a past incident's responder revoked the account's sessions (then remediated). */
  revokedDaysAgo?: number;
}

// The people of Zava. Megan, Adele and Pradeep are the app's own users (one per role); Griffin is
// an ordinary Finance employee whose account the attacker takes over; the rest build agents or use them.
const PEOPLE: Person[] = [
  {
    alias: 'megan',
    displayName: 'Megan Bowen',
    jobTitle: 'SOC Analyst',
    department: 'Security Operations',
    roles: ['responder'],
  },
  { alias: 'adele', displayName: 'Adele Vance', jobTitle: 'IT Administrator', department: 'IT', roles: ['admin'] },
  {
    alias: 'pradeep',
    displayName: 'Pradeep Gupta',
    jobTitle: 'Risk and Compliance Manager',
    department: 'Compliance',
    roles: ['viewer'],
  },
  { alias: 'griffin', displayName: 'Griffin Cho', jobTitle: 'Accounts Receivable Specialist', department: 'Finance' },
  { alias: 'lee', displayName: 'Lee Gu', jobTitle: 'Internal Auditor', department: 'Compliance', roles: ['viewer'] },
  { alias: 'nestor', displayName: 'Nestor Wilke', jobTitle: 'Billing Operations Manager', department: 'Finance' },
  { alias: 'christie', displayName: 'Christie Cline', jobTitle: 'Accounts Payable Lead', department: 'Finance' },
  { alias: 'isaiah', displayName: 'Isaiah Langer', jobTitle: 'Sales Operations Manager', department: 'Sales' },
  { alias: 'miriam', displayName: 'Miriam Graham', jobTitle: 'Director of Marketing', department: 'Marketing' },
  { alias: 'enrico', displayName: 'Enrico Cattaneo', jobTitle: 'Corporate Counsel', department: 'Legal' },
  { alias: 'alex', displayName: 'Alex Wilber', jobTitle: 'Customer Support Lead', department: 'Customer Service' },
  { alias: 'grady', displayName: 'Grady Archie', jobTitle: 'ERP Systems Analyst', department: 'Operations' },
  { alias: 'allan', displayName: 'Allan Deyoung', jobTitle: 'IT Service Desk Lead', department: 'IT' },
  { alias: 'irvin', displayName: 'Irvin Sayers', jobTitle: 'Logistics Manager', department: 'Operations' },
  { alias: 'patti', displayName: 'Patti Fernandez', jobTitle: 'HR Business Partner', department: 'Human Resources' },
  { alias: 'joni', displayName: 'Joni Sherman', jobTitle: 'Payroll Specialist', department: 'Human Resources' },
  {
    alias: 'lynne',
    displayName: 'Lynne Robbins',
    jobTitle: 'Workforce Planner',
    department: 'Operations',
    enabled: false,
  },
  { alias: 'lidia', displayName: 'Lidia Holloway', jobTitle: 'Product Manager', department: 'Product' },
  { alias: 'johanna', displayName: 'Johanna Lorenz', jobTitle: 'Site Reliability Engineer', department: 'Engineering' },
  { alias: 'henrietta', displayName: 'Henrietta Mueller', jobTitle: 'Data Engineer', department: 'Engineering' },
  {
    alias: 'debra',
    displayName: 'Debra Berger',
    jobTitle: 'Customer Service Representative',
    department: 'Customer Service',
  },
  { alias: 'ben', displayName: 'Ben Walters', jobTitle: 'Billing Clerk', department: 'Finance', revokedDaysAgo: 17 },
  {
    alias: 'raul',
    displayName: 'Raul Razo',
    jobTitle: 'Field Technician',
    department: 'Operations',
    revokedDaysAgo: 11,
  },
  { alias: 'emily', displayName: 'Emily Braun', jobTitle: 'Budget Analyst', department: 'Finance' },
];

export function zavaUsers(t: SeedClock): DirectoryUser[] {
  return PEOPLE.map((p) => ({
    id: userIdOf(p.alias),
    upn: upnOf(p.alias),
    displayName: p.displayName,
    jobTitle: p.jobTitle,
    department: p.department,
    accountEnabled: p.enabled ?? true,
    roles: p.roles ?? [],
    riskLevel: 'none',
    riskState: p.revokedDaysAgo === undefined ? 'none' : 'remediated',
    sessionsRevokedAt: p.revokedDaysAgo === undefined ? null : t.ago(p.revokedDaysAgo),
    passwordResetRequired: false,
  }));
}

/** The app's personas (one per role) and Griffin: synthetic tenants include them so benches can sign in. */
export const ZAVA_PERSONA_ALIASES: readonly ZavaAlias[] = ['megan', 'adele', 'pradeep', 'griffin'];
