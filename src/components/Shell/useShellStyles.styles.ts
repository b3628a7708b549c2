import { makeStyles, tokens } from '@fluentui/react-components';
import { NARROW } from '../../app/breakpoints.js';

export const useShellStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    height: '100vh',
    minHeight: 0,
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalL,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    [NARROW]: {
      gap: tokens.spacingHorizontalS,
      rowGap: 0,
      padding: `0 ${tokens.spacingHorizontalS}`,
    },
  },
  brandName: {
    [NARROW]: { display: 'none' },
  },
  /** The section's name stays in the accessibility tree (the tab's name) when only the icon shows. */
  tabLabel: {
    [NARROW]: {
      position: 'absolute',
      width: '1px',
      height: '1px',
      overflow: 'hidden',
      clipPath: 'inset(50%)',
      whiteSpace: 'nowrap',
    },
  },
  brand: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    color: tokens.colorBrandForeground1,
  },
  nav: {
    flexGrow: 1,
    minWidth: 0,
    overflowX: 'auto',
  },
  user: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    [NARROW]: { fontSize: tokens.fontSizeBase200 },
  },
  banner: {
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL} 0`,
    [NARROW]: { padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS} 0` },
  },
  main: {
    flexGrow: 1,
    minHeight: 0,
    overflow: 'auto',
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`,
    [NARROW]: { padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}` },
    display: 'flex',
    flexDirection: 'column',
    outlineStyle: 'none',
  },
});
