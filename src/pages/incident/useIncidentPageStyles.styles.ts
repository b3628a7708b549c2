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
  colKind: { width: '80px' },
  colIp: { width: '116px' },
  colTool: { width: '120px' },
  colDecision: { width: '120px' },
  colRules: { width: '160px' },
  summary: {
    overflowWrap: 'anywhere',
  },
  // The jailbreak prompt as the user wrote it (an excerpt the server bounds), set apart from the summary.
  prompt: {
    margin: `${tokens.spacingVerticalXXS} 0 0`,
    paddingInlineStart: tokens.spacingHorizontalS,
    borderInlineStartWidth: tokens.strokeWidthThick,
    borderInlineStartStyle: 'solid',
    borderInlineStartColor: tokens.colorPaletteRedBorder2,
    color: tokens.colorNeutralForeground2,
    fontStyle: 'italic',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  rules: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalXS,
    paddingBlock: tokens.spacingVerticalXXS,
  },
  // A long rule id wraps inside its chip rather than spilling into the summary column.
  rule: {
    maxWidth: '100%',
    height: 'auto',
    minHeight: '20px',
    whiteSpace: 'normal',
    overflowWrap: 'anywhere',
    textAlign: 'start',
  },
  response: {
    backgroundColor: tokens.colorNeutralBackground2,
  },
  mono: {
    fontFamily: tokens.fontFamilyMonospace,
  },
});
