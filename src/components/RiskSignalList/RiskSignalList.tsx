import { Caption1, Text } from '@fluentui/react-components';
import type { RiskSignal } from '../../api/types.js';
import { SeverityBadge } from '../SeverityBadge/SeverityBadge.js';
import { useRiskSignalListStyles } from './useRiskSignalListStyles.styles.js';

export interface RiskSignalListProps {
  signals: RiskSignal[];
  label: string;
  /** Hide the evidence lines (compact lists, e.g. in a before/after). */
  compact?: boolean;
}

/** Risk signals with their evidence and the OWASP LLM Top 10 entry they map to. */
export function RiskSignalList({ signals, label, compact = false }: RiskSignalListProps) {
  const styles = useRiskSignalListStyles();
  return (
    <ul className={styles.list} aria-label={label}>
      {signals.map((signal) => (
        <li key={signal.id} className={styles.item}>
          <div className={styles.head}>
            <SeverityBadge severity={signal.severity} />
            <Text weight="semibold">{signal.title}</Text>
            <Caption1 className={styles.owasp}>{signal.owasp}</Caption1>
          </div>
          {!compact && signal.evidence.length > 0 ? (
            <ul className={styles.evidence} aria-label={`Evidence for ${signal.title}`}>
              {signal.evidence.map((line) => (
                <li key={line}>
                  <Caption1>{line}</Caption1>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
