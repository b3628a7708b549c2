import { makeStyles, tokens } from '@fluentui/react-components';

export const useHuntingPageStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
  },
  // Results right under the query and its Run button: beside the templates on a desktop, before them on a phone.
  layout: {
    display: 'grid',
    gridTemplateColumns: 'minmax(260px, 1fr) minmax(360px, 2fr)',
    gridTemplateRows: 'auto 1fr',
    gridTemplateAreas: '"templates query" "templates results"',
    gap: tokens.spacingHorizontalL,
    alignItems: 'start',
    '@media (max-width: 900px)': {
      gridTemplateColumns: 'minmax(0, 1fr)',
      gridTemplateRows: 'auto',
      gridTemplateAreas: '"query" "results" "templates"',
    },
  },
  templatesArea: { gridArea: 'templates' },
  queryArea: { gridArea: 'query' },
  templates: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  template: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  templateDescription: {
    color: tokens.colorNeutralForeground2,
  },
  buttons: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    alignItems: 'center',
  },
  results: {
    gridArea: 'results',
    minWidth: 0,
    scrollMarginTop: tokens.spacingVerticalL,
  },
  tableScroll: {
    overflowX: 'auto',
    maxHeight: '70vh',
    overflowY: 'auto',
  },
  cell: {
    whiteSpace: 'nowrap',
    maxWidth: '420px',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  selectionCell: {
    width: '44px',
  },
  summary: {
    color: tokens.colorNeutralForeground3,
  },
});
