// What a maker's new version changes, in the terms an approver decides on: tools, credentials,
// authentication and sharing. Pure; the approval card renders it.
import type {
  AccessControlPolicy,
  AgentDefinition,
  AgentTool,
  AuthenticationTrigger,
  UserAuthenticationType,
} from '../../domain/types.js';

export interface FieldChange {
  label: string;
  before: string;
  after: string;
  changed: boolean;
}

export interface ToolChange {
  name: string;
  changes: string[];
}

export interface DefinitionChanges {
  toolsAdded: string[];
  toolsRemoved: string[];
  toolsChanged: ToolChange[];
  knowledgeAdded: string[];
  knowledgeRemoved: string[];
  access: FieldChange[];
  instructionsChanged: boolean;
}

const AUTH_LABEL: Record<UserAuthenticationType, string> = {
  none: 'None',
  microsoft: 'Microsoft Entra ID',
  custom: 'Custom',
};
const TRIGGER_LABEL: Record<AuthenticationTrigger, string> = { asNeeded: 'As needed', always: 'Always' };
const ACCESS_LABEL: Record<AccessControlPolicy, string> = {
  any: 'Anyone in the organization',
  copilotReaders: 'Copilot readers',
  groupMembership: 'Security group members',
  anyMultitenant: 'Any tenant',
};

const credentials = (mode: AgentTool['connectionMode']): string =>
  mode === 'maker' ? "the maker's credentials" : "the user's credentials";

function toolDifferences(before: AgentTool, after: AgentTool): string[] {
  const out: string[] = [];
  if (before.connectionMode !== after.connectionMode) {
    out.push(`runs on ${credentials(after.connectionMode)} (was ${credentials(before.connectionMode)})`);
  }
  if (before.recipientsFromModel !== after.recipientsFromModel) {
    out.push(
      after.recipientsFromModel
        ? 'the model now chooses e-mail recipients'
        : 'e-mail recipients no longer chosen by the model',
    );
  }
  if (before.serverUrl !== after.serverUrl)
    out.push(`endpoint ${after.serverUrl ?? 'removed'} (was ${before.serverUrl ?? 'none'})`);
  if (before.capability !== after.capability) out.push(`capability ${after.capability} (was ${before.capability})`);
  const writes = (t: AgentTool): number => t.operations.filter((o) => o.access === 'write').length;
  if (writes(before) !== writes(after)) out.push(`${writes(after)} write operations (was ${writes(before)})`);
  const headerNames = (t: AgentTool): string => Object.keys(t.headers).sort().join(',');
  if (headerNames(before) !== headerNames(after)) out.push('request headers changed');
  return out;
}

export function definitionChanges(before: AgentDefinition, after: AgentDefinition): DefinitionChanges {
  const beforeTools = new Map(before.tools.map((t) => [t.id, t]));
  const afterTools = new Map(after.tools.map((t) => [t.id, t]));
  const beforeKnowledge = new Set(before.knowledgeSources.map((k) => k.name));
  const afterKnowledge = new Set(after.knowledgeSources.map((k) => k.name));
  const field = (label: string, b: string, a: string): FieldChange => ({
    label,
    before: b,
    after: a,
    changed: a !== b,
  });

  return {
    toolsAdded: after.tools.filter((t) => !beforeTools.has(t.id)).map((t) => t.name),
    toolsRemoved: before.tools.filter((t) => !afterTools.has(t.id)).map((t) => t.name),
    toolsChanged: after.tools
      .flatMap((t) => {
        const old = beforeTools.get(t.id);
        return old ? [{ name: t.name, changes: toolDifferences(old, t) }] : [];
      })
      .filter((c) => c.changes.length > 0),
    knowledgeAdded: [...afterKnowledge].filter((k) => !beforeKnowledge.has(k)),
    knowledgeRemoved: [...beforeKnowledge].filter((k) => !afterKnowledge.has(k)),
    access: [
      field('User authentication', AUTH_LABEL[before.userAuthentication], AUTH_LABEL[after.userAuthentication]),
      field('Sign-in', TRIGGER_LABEL[before.authenticationTrigger], TRIGGER_LABEL[after.authenticationTrigger]),
      field('Shared with', ACCESS_LABEL[before.accessControl], ACCESS_LABEL[after.accessControl]),
    ],
    instructionsChanged: before.instructions !== after.instructions,
  };
}
