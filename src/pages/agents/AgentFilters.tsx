import { Button, Dropdown, Field, Option, SearchBox, Switch } from '@fluentui/react-components';
import { memo } from 'react';
import type { AgentSort, Platform, RiskLevel } from '../../api/types.js';
import { PLATFORM_LABEL } from '../../format.js';
import type { AgentFilterState } from './AgentsPage.types.js';
import { useAgentsPageStyles } from './useAgentsPageStyles.styles.js';

const RISK_OPTIONS: { value: RiskLevel; label: string }[] = [
  { value: 'critical', label: 'Critical' },
  { value: 'high', label: 'High' },
  { value: 'medium', label: 'Medium' },
  { value: 'low', label: 'Low' },
  { value: 'none', label: 'None' },
];
const PLATFORM_OPTIONS = Object.entries(PLATFORM_LABEL) as [Platform, string][];
const LIFECYCLE_OPTIONS: { value: AgentFilterState['lifecycle']; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'blocked', label: 'Blocked' },
];
const SORT_OPTIONS: { value: AgentSort; label: string }[] = [
  { value: 'risk', label: 'Risk (highest first)' },
  { value: 'name', label: 'Name' },
  { value: 'modified', label: 'Last modified' },
];

export interface AgentFiltersProps {
  filters: AgentFilterState;
  onChange(changes: Partial<AgentFilterState>): void;
  onReset(): void;
  filtered: boolean;
}

const labelsOf = <T extends string>(options: { value: T; label: string }[], values: T[]) =>
  options
    .filter((o) => values.includes(o.value))
    .map((o) => o.label)
    .join(', ');

/** Memoized: the registry's list state (loading, pages arriving) does not re-render the filter controls. */
export const AgentFilters = memo(function AgentFilters({ filters, onChange, onReset, filtered }: AgentFiltersProps) {
  const styles = useAgentsPageStyles();
  const platformOptions = PLATFORM_OPTIONS.map(([value, label]) => ({ value, label }));
  return (
    <div className={styles.filters} role="search" aria-label="Filter agents">
      <Field label="Search">
        <SearchBox
          className={styles.search}
          placeholder="Name, maker or owner"
          value={filters.search}
          onChange={(_, data) => onChange({ search: data.value })}
        />
      </Field>
      <Field label="Risk">
        <Dropdown
          className={styles.dropdown}
          multiselect
          placeholder="Any risk"
          value={labelsOf(RISK_OPTIONS, filters.risk)}
          selectedOptions={filters.risk}
          onOptionSelect={(_, data) => onChange({ risk: data.selectedOptions as RiskLevel[] })}
        >
          {RISK_OPTIONS.map((o) => (
            <Option key={o.value} value={o.value}>
              {o.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Platform">
        <Dropdown
          className={styles.dropdown}
          multiselect
          placeholder="Any platform"
          value={labelsOf(platformOptions, filters.platform)}
          selectedOptions={filters.platform}
          onOptionSelect={(_, data) => onChange({ platform: data.selectedOptions as Platform[] })}
        >
          {platformOptions.map((o) => (
            <Option key={o.value} value={o.value}>
              {o.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Lifecycle">
        <Dropdown
          className={styles.dropdown}
          value={LIFECYCLE_OPTIONS.find((o) => o.value === filters.lifecycle)?.label ?? ''}
          selectedOptions={[filters.lifecycle]}
          onOptionSelect={(_, data) =>
            onChange({ lifecycle: (data.optionValue ?? 'all') as AgentFilterState['lifecycle'] })
          }
        >
          {LIFECYCLE_OPTIONS.map((o) => (
            <Option key={o.value} value={o.value}>
              {o.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Sort by">
        <Dropdown
          className={styles.dropdown}
          value={SORT_OPTIONS.find((o) => o.value === filters.sort)?.label ?? ''}
          selectedOptions={[filters.sort]}
          onOptionSelect={(_, data) => onChange({ sort: (data.optionValue ?? 'risk') as AgentSort })}
        >
          {SORT_OPTIONS.map((o) => (
            <Option key={o.value} value={o.value}>
              {o.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Switch
        className={styles.switchField}
        label="MCP on maker credentials"
        checked={filters.mcpMaker}
        onChange={(_, data) => onChange({ mcpMaker: data.checked })}
      />
      {filtered ? (
        <Button appearance="subtle" onClick={onReset}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
});
