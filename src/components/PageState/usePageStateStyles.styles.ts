import { makeStyles, tokens } from '@fluentui/react-components';

export const usePageStateStyles = makeStyles({
  center: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalL}`,
    color: tokens.colorNeutralForeground2,
    textAlign: 'center',
  },
  error: {
    margin: `${tokens.spacingVerticalM} 0`,
  },
});
