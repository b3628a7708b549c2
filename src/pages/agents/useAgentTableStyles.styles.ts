import { makeStyles, tokens } from '@fluentui/react-components';
import { NARROW } from '../../app/breakpoints.js';

// On a phone the registry keeps the agent, its risk and its lifecycle; the agent's page has the rest.
const WIDE_ONLY = { [NARROW]: { display: 'none' } };

export const AGENT_ROW_HEIGHT = 44;

export const useAgentTableStyles = makeStyles({
  frame: {
    display: 'flex',
    flexDirection: 'column',
    flexGrow: 1,
    minHeight: '240px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  table: {
    display: 'flex',
    flexDirection: 'column',
    flexGrow: 1,
    minHeight: 0,
  },
  busy: {
    opacity: 0.6,
  },
  scroller: {
    flexGrow: 1,
    minHeight: 0,
    overflowY: 'auto',
    overflowX: 'hidden',
  },
  spacer: {
    position: 'relative',
  },
  window: {
    position: 'absolute',
    left: 0,
    right: 0,
  },
  row: {
    height: `${AGENT_ROW_HEIGHT}px`,
    boxSizing: 'border-box',
    cursor: 'pointer',
  },
  nowrap: {
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    display: 'block',
  },
  name: { flexGrow: 2, flexBasis: '0px', minWidth: '120px' },
  risk: { flexGrow: 0, flexShrink: 0, flexBasis: '130px', [NARROW]: { flexBasis: '110px' } },
  signals: { flexGrow: 3, flexBasis: '0px', ...WIDE_ONLY },
  platform: { flexGrow: 0, flexShrink: 0, flexBasis: '150px', ...WIDE_ONLY },
  maker: { flexGrow: 2, flexBasis: '0px', ...WIDE_ONLY },
  lifecycle: { flexGrow: 0, flexShrink: 0, flexBasis: '90px', [NARROW]: { flexBasis: '70px' } },
  tools: { flexGrow: 0, flexShrink: 0, flexBasis: '80px', ...WIDE_ONLY },
  score: {
    display: 'inline-block',
    minWidth: '2.5em',
    fontVariantNumeric: 'tabular-nums',
  },
  makerIcon: {
    color: tokens.colorPaletteRedForeground1,
    marginLeft: tokens.spacingHorizontalXS,
    verticalAlign: 'middle',
  },
  footer: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground3,
    minHeight: '32px',
  },
});
