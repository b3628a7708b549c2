/**
 * A tool's definition as an agent presents it to the model (name, description, input parameters), and
 * the history of the definitions seen for one agent's tool: what the rug-pull rule compares and what
 * the agent page shows.
 */

export interface ToolDefinitionParameter {
  name: string;
  description: string | null;
  /** `type.$kind` ("String", "Number", ...). */
  type: string | null;
}

export interface ToolDefinition {
  name: string | null;
  description: string | null;
  parameters: ToolDefinitionParameter[];
}

export interface ToolDefinitionChange {
  /** "name", "description", "parameter notes", "parameter notes.description". */
  field: string;
  kind: 'added' | 'removed' | 'changed';
  /** The text before and after, trimmed to the changed part with some context around it. */
  before: string | null;
  after: string | null;
}

/** One distinct definition of one agent's tool. */
export interface ToolDefinitionVersion {
  agentId: string;
  /** `toolDefinition.id`, or the tool's name when calls carry no id. */
  toolKey: string;
  /** SHA-256 of the canonical definition. */
  hash: string;
  /** 1 for the first definition seen (the baseline), then in order of first sighting. */
  version: number;
  definition: ToolDefinition;
  /** Changes from the previous version; empty for the first. */
  diff: ToolDefinitionChange[];
  firstSeenAt: string;
  /** The webhook decision that first carried it. */
  eventId: string | null;
}
