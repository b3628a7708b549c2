import { Caption1, Tooltip } from '@fluentui/react-components';
import { riskBandOf, RISK_LEVEL_BANDS } from '../../../bot/src/domain/risk.js';
import type { RiskLevel } from '../../api/types.js';
import { SeverityBadge } from '../SeverityBadge/SeverityBadge.js';

/** "Risk levels by score: critical 40-100, high 25-39, ...": the domain's one mapping, as a person reads it. */
export const RISK_LEGEND = `Risk levels by score: ${RISK_LEVEL_BANDS.map((b) => riskBandOf(b.level)?.replace(':', '')).join(', ')}`;

export interface RiskLevelBadgeProps {
  level: RiskLevel;
  score: number;
  size?: 'small' | 'medium';
  /** Also writes the level's band next to the badge ("high: 25-39"), not only in the tooltip. */
  showBand?: boolean;
  /** A tab stop of its own, so the keyboard reaches the tooltip; off inside rows that are focused as a whole. */
  focusable?: boolean;
}

/**
 * A risk level with the score band it stands for: a tooltip on the badge (keyboard focus shows it too) and, where
 * there is room, the band in words. The level always follows from the score (`riskLevelOf` in the domain).
 */
export function RiskLevelBadge({
  level,
  score,
  size = 'medium',
  showBand = false,
  focusable = true,
}: RiskLevelBadgeProps) {
  const band = riskBandOf(level);
  const explained = band ? `Risk score ${score}, level ${band}. ${RISK_LEGEND}.` : `Risk score ${score}`;
  // Inside a row focused as a whole the keyboard never reaches the badge: a native title serves the mouse there, and
  // a page of 100 rows does not mount 100 Fluent tooltips on its first render.
  const badge = focusable ? (
    <Tooltip content={explained} relationship="description" withArrow>
      <span tabIndex={0} data-risk-band={band ?? undefined} style={{ display: 'inline-flex' }}>
        <SeverityBadge severity={level} size={size} />
      </span>
    </Tooltip>
  ) : (
    <span title={explained} data-risk-band={band ?? undefined} style={{ display: 'inline-flex' }}>
      <SeverityBadge severity={level} size={size} />
    </span>
  );
  return (
    <>
      {badge}
      {showBand && band ? <Caption1>({band})</Caption1> : null}
    </>
  );
}
