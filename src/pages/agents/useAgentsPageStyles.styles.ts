import { makeStyles, tokens } from '@fluentui/react-components';

export const useAgentsPageStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    flexGrow: 1,
    minHeight: 0,
  },
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalM,
  },
  search: {
    minWidth: '240px',
  },
  dropdown: {
    minWidth: '160px',
  },
  switchField: {
    paddingBottom: tokens.spacingVerticalXXS,
  },
});
