import { makeStyles, tokens } from '@fluentui/react-components';

export const useAppStyles = makeStyles({
  provider: {
    height: '100%',
    backgroundColor: tokens.colorNeutralBackground2,
  },
  centered: {
    minHeight: '100%',
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    padding: tokens.spacingHorizontalXXL,
    boxSizing: 'border-box',
  },
});
