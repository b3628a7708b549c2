import { makeStyles, tokens } from '@fluentui/react-components';

export const usePersonaPickerStyles = makeStyles({
  root: {
    maxWidth: '560px',
    margin: `${tokens.spacingVerticalXXL} auto`,
    padding: tokens.spacingHorizontalL,
  },
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
  },
  roles: {
    color: tokens.colorNeutralForeground3,
  },
});
