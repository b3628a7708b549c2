import { makeStyles, tokens } from '@fluentui/react-components';

export const useConfirmActionDialogStyles = makeStyles({
  content: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
});
