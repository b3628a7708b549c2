import { makeStyles, tokens } from '@fluentui/react-components';

export const useIncidentPageStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    maxWidth: '1400px',
  },
  header: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  title: {
    margin: 0,
  },
  meta: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    color: tokens.colorNeutralForeground2,
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
  },
  scroll: {
    overflowX: 'auto',
  },
  // The timeline's fixed-layout table: narrow columns sized to their content (widths exclude the cells'
  // padding), the summary takes the rest.
  timeline: {
    minWidth: '1100px',
  },
  colDate: { width: '96px' },
  colTime: { width: '96px' },
  colKind: { width: '64px' },
  colIp: { width: '116px' },
  colTool: { width: '120px' },
  colDecision: { width: '84px' },
  colRules: { width: '160px' },
  summary: {
    overflowWrap: 'anywhere',
  },
  rules: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalXS,
    paddingBlock: tokens.spacingVerticalXXS,
  },
  rule: {
    whiteSpace: 'nowrap',
  },
  mono: {
    fontFamily: tokens.fontFamilyMonospace,
  },
});
