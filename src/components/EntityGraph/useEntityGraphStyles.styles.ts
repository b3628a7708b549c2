import { makeStyles, tokens } from '@fluentui/react-components';

// SVG paints with the theme's tokens (CSS variables), so the graph follows light, dark and high contrast.
export const useEntityGraphStyles = makeStyles({
  scroller: {
    overflowX: 'auto',
  },
  svg: {
    display: 'block',
    fontFamily: tokens.fontFamilyBase,
  },
  columnTitle: {
    fill: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
  },
  edge: {
    fill: 'none',
    stroke: tokens.colorNeutralStroke1,
    strokeWidth: 1.5,
  },
  edgeActive: {
    stroke: tokens.colorBrandStroke1,
    strokeWidth: 3,
  },
  node: {
    cursor: 'default',
    outlineStyle: 'none',
  },
  nodeLink: {
    cursor: 'pointer',
  },
  box: {
    fill: tokens.colorNeutralBackground1,
    stroke: tokens.colorNeutralStrokeAccessible,
    strokeWidth: 1,
  },
  agentBox: {
    fill: tokens.colorBrandBackground2,
    stroke: tokens.colorBrandStroke1,
  },
  userBox: {
    fill: tokens.colorNeutralBackground3,
  },
  focusBox: {
    stroke: tokens.colorStrokeFocus2,
    strokeWidth: 3,
  },
  label: {
    fill: tokens.colorNeutralForeground1,
    fontSize: tokens.fontSizeBase300,
    fontWeight: tokens.fontWeightSemibold,
  },
  detail: {
    fill: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
  },
});
