import { Badge, type BadgeProps } from '@fluentui/react-components';
import type { RiskLevel } from '../../api/types.js';

export interface SeverityBadgeProps {
  severity: RiskLevel;
  size?: BadgeProps['size'];
}

const LOOK: Record<RiskLevel, { color: BadgeProps['color']; appearance: BadgeProps['appearance']; label: string }> = {
  critical: { color: 'danger', appearance: 'filled', label: 'Critical' },
  high: { color: 'severe', appearance: 'filled', label: 'High' },
  medium: { color: 'warning', appearance: 'tint', label: 'Medium' },
  low: { color: 'informative', appearance: 'tint', label: 'Low' },
  informational: { color: 'subtle', appearance: 'tint', label: 'Informational' },
  none: { color: 'success', appearance: 'tint', label: 'None' },
};

/** Severity or risk level as a badge; the word is always shown, never the color alone. */
export function SeverityBadge({ severity, size = 'medium' }: SeverityBadgeProps) {
  const look = LOOK[severity] ?? LOOK.none;
  return (
    <Badge color={look.color} appearance={look.appearance} size={size} shape="rounded">
      {look.label}
    </Badge>
  );
}
