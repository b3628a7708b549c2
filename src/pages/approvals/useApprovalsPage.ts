import type { SubmissionView } from '../../api/types.js';
import { usePagedList } from '../../hooks/usePagedList.js';
import { useSession } from '../../session/Session.js';

export const SUBMISSION_PAGE_SIZE = 20;

export function useApprovalsPage() {
  const { api } = useSession();
  const list = usePagedList<SubmissionView>('pending', (cursor, signal) =>
    api.listSubmissions(cursor, SUBMISSION_PAGE_SIZE, signal),
  );
  // Requests nobody decided in time: shown apart, marked "Expired", with nothing left to decide.
  const expired = usePagedList<SubmissionView>('expired', (cursor, signal) =>
    api.listSubmissions(cursor, SUBMISSION_PAGE_SIZE, signal, 'expired'),
  );
  return { list, expired };
}
