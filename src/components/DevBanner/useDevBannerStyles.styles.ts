import { makeStyles } from '@fluentui/react-components';
import { NARROW } from '../../app/breakpoints.js';

export const useDevBannerStyles = makeStyles({
  bar: {
    // One line at every width: the sentence wraps inside the body on a desktop window narrower than it.
    minHeight: 'auto',
  },
  body: {
    whiteSpace: 'normal',
    [NARROW]: {
      whiteSpace: 'nowrap',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    },
  },
  long: {
    [NARROW]: { display: 'none' },
  },
  short: {
    display: 'none',
    [NARROW]: { display: 'inline' },
  },
});
