import { Caption1, Tab, TabList } from '@fluentui/react-components';
import type { Alert, SecurityView } from '../../api/types.js';
import { AlertTable } from '../../components/AlertTable/AlertTable.js';
import { SectionCard } from '../../components/SectionCard/SectionCard.js';
import { useAgentPageStyles } from './useAgentPageStyles.styles.js';

export interface AgentSecurityProps {
  view: SecurityView;
  alerts: Alert[];
  canSwitchView: boolean;
  onViewChange(view: SecurityView): void;
}

const NOTE: Record<SecurityView, string> = {
  it: 'IT view: unresolved high and critical alerts only.',
  soc: 'SOC view: every alert, resolved and low severity included.',
};

/** Security and compliance alerts as the server filtered them for the chosen view. */
export function AgentSecurity({ view, alerts, canSwitchView, onViewChange }: AgentSecurityProps) {
  const styles = useAgentPageStyles();
  return (
    <SectionCard
      title="Security and compliance"
      actions={
        canSwitchView ? (
          <TabList
            size="small"
            aria-label="Security view"
            selectedValue={view}
            onTabSelect={(_, data) => onViewChange(data.value as SecurityView)}
          >
            <Tab value="it">IT view</Tab>
            <Tab value="soc">SOC view</Tab>
          </TabList>
        ) : null
      }
    >
      <Caption1 className={styles.viewNote}>{NOTE[view]}</Caption1>
      {alerts.length === 0 ? (
        <Caption1>{view === 'it' ? 'No unresolved high or critical alerts.' : 'No alerts.'}</Caption1>
      ) : (
        <div className={styles.scroll}>
          <AlertTable alerts={alerts} label={view === 'it' ? 'Alerts (IT view)' : 'Alerts (SOC view)'} />
        </div>
      )}
    </SectionCard>
  );
}
