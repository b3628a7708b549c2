import { Subtitle1, Title3 } from '@fluentui/react-components';
import { EmptyState } from '../../components/PageState/PageState.js';
import { PagedListBody } from '../../components/PagedListBody/PagedListBody.js';
import { SubmissionReview } from './SubmissionReview.js';
import { useApprovalsPage } from './useApprovalsPage.js';
import { useApprovalsPageStyles } from './useApprovalsPageStyles.styles.js';

/** Makers' resubmissions awaiting review, each with its before/after; below them, the requests that expired. */
export function ApprovalsPage() {
  const styles = useApprovalsPageStyles();
  const { list, expired } = useApprovalsPage();
  const body = (
    <PagedListBody
      list={list}
      errorTitle="Could not load submissions"
      loadingLabel="Loading submissions"
      empty={<EmptyState title="Nothing awaits review">Resubmitted agents appear here.</EmptyState>}
      moreLabel="Load more submissions"
    >
      {(items) => items.map((view) => <SubmissionReview key={view.submission.id} view={view} onDone={list.refresh} />)}
    </PagedListBody>
  );
  return (
    <section className={styles.root} aria-labelledby="approvals-title">
      <Title3 as="h1" id="approvals-title">
        Approvals
      </Title3>
      {body}
      {expired.items.length > 0 ? (
        <section className={styles.root} aria-labelledby="approvals-expired-title">
          <Subtitle1 as="h2" id="approvals-expired-title">
            Expired
          </Subtitle1>
          <PagedListBody
            list={expired}
            errorTitle="Could not load expired requests"
            loadingLabel="Loading expired requests"
            empty={null}
            moreLabel="Load more expired requests"
          >
            {(items) =>
              items.map((view) => <SubmissionReview key={view.submission.id} view={view} onDone={expired.refresh} />)
            }
          </PagedListBody>
        </section>
      ) : null}
    </section>
  );
}
