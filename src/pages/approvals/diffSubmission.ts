import { diffLines, type DiffLine } from '../../../bot/src/domain/text-diff.js';
import type { AgentDefinition, AgentTool, RiskSignal, SubmissionView } from '../../api/types.js';
import { humanize } from '../../format.js';

export interface ToolChange {
  before: AgentTool;
  after: AgentTool;
  /** "Connection: maker's -> user's credentials", "Operation added: SendEmail (write)". */
  changes: string[];
  /** The change moves a tool off the maker's credentials. */
  safer: boolean;
}

export interface SubmissionDiff {
  addedTools: AgentTool[];
  removedTools: AgentTool[];
  changedTools: ToolChange[];
  /** Settings outside the tools and instructions (sign-in, sharing, knowledge, topics...). */
  settingChanges: string[];
  /** The instructions as a line diff; null when they do not change. */
  instructions: DiffLine[] | null;
  resolvedSignals: RiskSignal[];
  newSignals: RiskSignal[];
  remainingSignals: RiskSignal[];
}

const modeLabel = (mode: AgentTool['connectionMode']) =>
  mode === 'maker' ? "maker's credentials" : "user's credentials";

function toolChanges(before: AgentTool, after: AgentTool): string[] {
  const changes: string[] = [];
  if (before.connectionMode !== after.connectionMode)
    changes.push(`Connection: ${modeLabel(before.connectionMode)} → ${modeLabel(after.connectionMode)}`);
  if (before.kind !== after.kind) changes.push(`Kind: ${humanize(before.kind)} → ${humanize(after.kind)}`);
  if ((before.serverUrl ?? '') !== (after.serverUrl ?? ''))
    changes.push(`Server: ${before.serverUrl ?? 'none'} → ${after.serverUrl ?? 'none'}`);
  if (before.recipientsFromModel !== after.recipientsFromModel)
    changes.push(
      after.recipientsFromModel ? 'Recipients now chosen by the model' : 'Recipients no longer chosen by the model',
    );
  const beforeOps = new Map(before.operations.map((o) => [o.name, o.access]));
  const afterOps = new Map(after.operations.map((o) => [o.name, o.access]));
  for (const [name, access] of afterOps) {
    const old = beforeOps.get(name);
    if (old === undefined) changes.push(`Operation added: ${name} (${access})`);
    else if (old !== access) changes.push(`Operation ${name}: ${old} → ${access}`);
  }
  for (const [name, access] of beforeOps)
    if (!afterOps.has(name)) changes.push(`Operation removed: ${name} (${access})`);
  const beforeHeaders = Object.keys(before.headers).sort().join(',');
  const afterHeaders = Object.keys(after.headers).sort().join(',');
  if (beforeHeaders !== afterHeaders) changes.push('Request headers changed');
  return changes;
}

function settingChanges(before: AgentDefinition, after: AgentDefinition): string[] {
  const changes: string[] = [];
  const compare = (label: string, a: string, b: string) => {
    if (a !== b) changes.push(`${label}: ${humanize(a)} → ${humanize(b)}`);
  };
  compare('User sign-in', before.userAuthentication, after.userAuthentication);
  compare('Sign-in required', before.authenticationTrigger, after.authenticationTrigger);
  compare('Shared with', before.accessControl, after.accessControl);
  if (before.description !== after.description) changes.push('Description changed');
  const beforeKnowledge = new Map(before.knowledgeSources.map((k) => [k.name, k]));
  const afterKnowledge = new Map(after.knowledgeSources.map((k) => [k.name, k]));
  for (const [name, source] of afterKnowledge) {
    const old = beforeKnowledge.get(name);
    if (!old) changes.push(`Knowledge added: ${name} (${humanize(source.kind)}, ${modeLabel(source.connectionMode)})`);
    else if (old.connectionMode !== source.connectionMode)
      changes.push(`Knowledge ${name}: ${modeLabel(old.connectionMode)} → ${modeLabel(source.connectionMode)}`);
  }
  for (const [name, source] of beforeKnowledge)
    if (!afterKnowledge.has(name)) changes.push(`Knowledge removed: ${name} (${humanize(source.kind)})`);
  const topics = (d: AgentDefinition) =>
    d.topics
      .map((t) => `${t.name}:${t.usesAuthorCredentials}`)
      .sort()
      .join('|');
  if (topics(before) !== topics(after)) changes.push('Topics changed');
  return changes;
}

/** What approving the submission would change: tools, settings, and which risk signals go or come. */
export function diffSubmission(view: SubmissionView): SubmissionDiff {
  const before = view.before;
  const after = view.submission.proposed;
  const beforeTools = new Map(before.tools.map((t) => [t.id, t]));
  const afterTools = new Map(after.tools.map((t) => [t.id, t]));
  const changedTools: ToolChange[] = [];
  for (const [id, tool] of afterTools) {
    const old = beforeTools.get(id);
    if (!old) continue;
    const changes = toolChanges(old, tool);
    if (changes.length)
      changedTools.push({
        before: old,
        after: tool,
        changes,
        safer: old.connectionMode === 'maker' && tool.connectionMode === 'user',
      });
  }
  const beforeSignals = new Set(view.riskBefore.signals.map((s) => s.id));
  const afterSignals = new Set(view.riskAfter.signals.map((s) => s.id));
  return {
    addedTools: after.tools.filter((t) => !beforeTools.has(t.id)),
    removedTools: before.tools.filter((t) => !afterTools.has(t.id)),
    changedTools,
    settingChanges: settingChanges(before, after),
    instructions:
      before.instructions === after.instructions ? null : diffLines(before.instructions, after.instructions),
    resolvedSignals: view.riskBefore.signals.filter((s) => !afterSignals.has(s.id)),
    newSignals: view.riskAfter.signals.filter((s) => !beforeSignals.has(s.id)),
    remainingSignals: view.riskAfter.signals.filter((s) => beforeSignals.has(s.id)),
  };
}
