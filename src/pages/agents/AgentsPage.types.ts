import type { AgentSort, Platform, RiskLevel } from '../../api/types.js';

export interface AgentFilterState {
  search: string;
  risk: RiskLevel[];
  platform: Platform[];
  lifecycle: 'all' | 'active' | 'blocked';
  mcpMaker: boolean;
  sort: AgentSort;
}

export const DEFAULT_AGENT_FILTERS: AgentFilterState = {
  search: '',
  risk: [],
  platform: [],
  lifecycle: 'all',
  mcpMaker: false,
  sort: 'risk',
};
