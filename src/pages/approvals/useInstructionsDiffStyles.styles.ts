import { makeStyles, tokens } from '@fluentui/react-components';

export const useInstructionsDiffStyles = makeStyles({
  lines: {
    margin: 0,
    padding: 0,
    listStyleType: 'none',
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase300,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    overflowX: 'auto',
  },
  line: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    padding: `0 ${tokens.spacingHorizontalS}`,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  marker: {
    flexShrink: 0,
    width: '1ch',
  },
  added: {
    backgroundColor: tokens.colorPaletteGreenBackground2,
    color: tokens.colorNeutralForeground1,
    fontWeight: tokens.fontWeightSemibold,
  },
  removed: {
    backgroundColor: tokens.colorPaletteRedBackground1,
    color: tokens.colorNeutralForeground2,
    textDecorationLine: 'line-through',
  },
  same: {
    color: tokens.colorNeutralForeground2,
  },
  gap: {
    color: tokens.colorNeutralForeground3,
  },
  hidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  },
});
