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
      // One row on a phone: icon, sections, the person's initials.
      flexWrap: 'nowrap',
      gap: tokens.spacingHorizontalXS,
      padding: `0 ${tokens.spacingHorizontalXS}`,
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
    flexShrink: 0,
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
    [NARROW]: { display: 'none' },
  },
  userCompact: {
    display: 'none',
    minWidth: 'auto',
    padding: 0,
    flexShrink: 0,
    [NARROW]: { display: 'inline-flex' },
  },
  userCard: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  roles: {
    display: 'flex',
    gap: tokens.spacingHorizontalXS,
  },
  devBadge: {
    minWidth: 'auto',
    flexShrink: 0,
    color: tokens.colorPaletteDarkOrangeForeground1,
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
