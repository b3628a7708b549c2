import type { SubmissionView } from '../../api/types.js';
import { usePagedList } from '../../hooks/usePagedList.js';
import { useSession } from '../../session/Session.js';

export const SUBMISSION_PAGE_SIZE = 20;

export function useApprovalsPage() {
  const { api } = useSession();
  const list = usePagedList<SubmissionView>('pending', (cursor, signal) =>
    api.listSubmissions(cursor, SUBMISSION_PAGE_SIZE, signal),
  );
  return { list };
}
