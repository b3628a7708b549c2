import { Button, makeStyles, Spinner } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { PagedList } from '../../hooks/usePagedList.js';
import { ErrorState, LoadingState } from '../PageState/PageState.js';

const useStyles = makeStyles({
  more: {
    display: 'flex',
    justifyContent: 'center',
  },
});

export interface PagedListBodyProps<T> {
  list: PagedList<T>;
  /** "Could not load incidents". */
  errorTitle: string;
  /** "Loading incidents". */
  loadingLabel: string;
  /** What an empty list says (an EmptyState). */
  empty: ReactNode;
  /** "Load more incidents". */
  moreLabel: string;
  /** The loaded items, drawn by the page (a table, cards). */
  children(items: T[]): ReactNode;
}

/**
 * The body every paged list shares (incidents, approvals, audit): an error with Retry, a spinner until the first
 * page, the empty state, or the items with a "Load more" button while the server has more.
 */
export function PagedListBody<T>({
  list,
  errorTitle,
  loadingLabel,
  empty,
  moreLabel,
  children,
}: PagedListBodyProps<T>) {
  const styles = useStyles();
  if (list.error) return <ErrorState title={errorTitle} error={list.error} onRetry={list.retry} />;
  if (list.loading) return <LoadingState label={loadingLabel} />;
  if (list.items.length === 0) return <>{empty}</>;
  return (
    <>
      {children(list.items)}
      {list.hasMore ? (
        <div className={styles.more}>
          <Button
            onClick={list.loadMore}
            disabled={list.loadingMore}
            icon={list.loadingMore ? <Spinner size="tiny" /> : undefined}
          >
            {moreLabel}
          </Button>
        </div>
      ) : null}
    </>
  );
}
