import { Badge, Body1, Caption1, Subtitle2, Text } from '@fluentui/react-components';
import { ArrowRightRegular } from '@fluentui/react-icons/svg/arrow-right';
import { CheckmarkRegular } from '@fluentui/react-icons/svg/checkmark';
import { DismissRegular } from '@fluentui/react-icons/svg/dismiss';
import type { SubmissionView } from '../../api/types.js';
import { ActionDialogButton } from '../../components/ConfirmActionDialog/ActionDialogButton.js';
import { ReadOnlyNote } from '../../components/ReadOnlyNote/ReadOnlyNote.js';
import { RiskSignalList } from '../../components/RiskSignalList/RiskSignalList.js';
import { SectionCard } from '../../components/SectionCard/SectionCard.js';
import { RiskLevelBadge } from '../../components/RiskLevelBadge/RiskLevelBadge.js';
import { PLATFORM_LABEL, formatDateTime } from '../../format.js';
import { RouterLink } from '../../router/RouterLink.js';
import { agentPath } from '../../router/routes.js';
import { useCan, useSession } from '../../session/Session.js';
import { ConnectionModeBadge } from '../agent/ToolTable.js';
import { diffSubmission } from './diffSubmission.js';
import { InstructionsDiff } from './InstructionsDiff.js';
import { useApprovalsPageStyles } from './useApprovalsPageStyles.styles.js';

export interface SubmissionReviewProps {
  view: SubmissionView;
  onDone(): void;
}

/** One pending submission: what changes in tools and settings, risk before and after, approve or reject. */
export function SubmissionReview({ view, onDone }: SubmissionReviewProps) {
  const styles = useApprovalsPageStyles();
  const { api } = useSession();
  const can = useCan();
  const { submission, agent, riskBefore, riskAfter } = view;
  const diff = diffSubmission(view);
  const noToolChange = diff.addedTools.length + diff.removedTools.length + diff.changedTools.length === 0;
  // Nobody decided in time: the request can no longer be approved or rejected; the maker submits again.
  const expired = submission.status === 'expired';

  return (
    <SectionCard
      title={`${agent.name} — version ${submission.version}`}
      actions={
        expired ? (
          <Badge appearance="filled" color="warning">
            Expired
          </Badge>
        ) : can('approveSubmission') || can('rejectSubmission') ? (
          <div className={styles.actions} role="group" aria-label={`Review ${agent.name} ${submission.version}`}>
            {can('approveSubmission') ? (
              <ActionDialogButton
                label="Approve"
                icon={<CheckmarkRegular />}
                appearance="primary"
                title={`Approve ${agent.name} ${submission.version}`}
                description={
                  agent.lifecycle === 'blocked'
                    ? 'The new version is published and the agent unblocked. The reason is kept in the audit trail.'
                    : 'The new version is published. The reason is kept in the audit trail.'
                }
                confirmLabel="Approve"
                textLabel="Reason"
                textRequired
                onConfirm={async (reason, key) => {
                  const result = await api.approveSubmission(submission.id, reason, key);
                  onDone();
                  return result;
                }}
              />
            ) : null}
            {can('rejectSubmission') ? (
              <ActionDialogButton
                label="Reject"
                icon={<DismissRegular />}
                title={`Reject ${agent.name} ${submission.version}`}
                description={`The reason goes back to ${submission.submittedBy}.`}
                confirmLabel="Reject"
                textLabel="Reason"
                textRequired
                onConfirm={async (reason, key) => {
                  const result = await api.rejectSubmission(submission.id, reason, key);
                  onDone();
                  return result;
                }}
              />
            ) : null}
          </div>
        ) : (
          <ReadOnlyNote actions={['approveSubmission', 'rejectSubmission']} doing="approve or reject submissions" />
        )
      }
    >
      <div className={styles.meta}>
        <RouterLink href={agentPath(agent.id)}>Open agent</RouterLink>
        <Caption1>{PLATFORM_LABEL[agent.platform] ?? agent.platform}</Caption1>
        <Badge appearance="outline" color={agent.lifecycle === 'blocked' ? 'danger' : 'success'}>
          {agent.lifecycle === 'blocked' ? 'Blocked' : 'Active'}
        </Badge>
        <Caption1>
          Submitted by {submission.submittedBy} on {formatDateTime(submission.submittedAt)}
        </Caption1>
      </div>
      {expired ? (
        <Body1 className={styles.note} role="status">
          {submission.reason ?? 'This request expired without a decision. The maker must submit the version again.'}
        </Body1>
      ) : null}
      {submission.note ? <Body1 className={styles.note}>{submission.note}</Body1> : null}
      {diff.instructions ? (
        <div className={styles.block}>
          <Subtitle2 as="h3" className={styles.heading}>
            Instructions
          </Subtitle2>
          <InstructionsDiff lines={diff.instructions} />
        </div>
      ) : null}
      <div className={styles.columns}>
        <div className={styles.block}>
          <Subtitle2 as="h3" className={styles.heading}>
            Tools
          </Subtitle2>
          {noToolChange ? <Caption1>No tool changes.</Caption1> : null}
          {diff.addedTools.length > 0 ? (
            <ul className={styles.list} aria-label="Tools added">
              {diff.addedTools.map((t) => (
                <li key={t.id}>
                  <Badge color="informative" appearance="tint">
                    Added
                  </Badge>{' '}
                  <Text weight="semibold">{t.name}</Text> <ConnectionModeBadge mode={t.connectionMode} />
                </li>
              ))}
            </ul>
          ) : null}
          {diff.removedTools.length > 0 ? (
            <ul className={styles.list} aria-label="Tools removed">
              {diff.removedTools.map((t) => (
                <li key={t.id}>
                  <Badge color="subtle" appearance="tint">
                    Removed
                  </Badge>{' '}
                  <Text weight="semibold">{t.name}</Text> <ConnectionModeBadge mode={t.connectionMode} />
                </li>
              ))}
            </ul>
          ) : null}
          {diff.changedTools.length > 0 ? (
            <ul className={styles.list} aria-label="Tools changed">
              {diff.changedTools.map((c) => (
                <li key={c.after.id}>
                  <Badge color={c.safer ? 'success' : 'warning'} appearance="tint">
                    Changed
                  </Badge>{' '}
                  <Text weight="semibold">{c.after.name}</Text>
                  <ul>
                    {c.changes.map((line) => (
                      <li key={line}>
                        <Caption1>{line}</Caption1>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          ) : null}
          {diff.settingChanges.length > 0 ? (
            <>
              <Subtitle2 as="h3" className={styles.heading}>
                Settings
              </Subtitle2>
              <ul className={styles.list} aria-label="Settings changed">
                {diff.settingChanges.map((line) => (
                  <li key={line}>
                    <Caption1>{line}</Caption1>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
        <div className={styles.block}>
          <Subtitle2 as="h3" className={styles.heading}>
            Risk
          </Subtitle2>
          <div className={styles.score} aria-label={`Risk score ${riskBefore.score} before, ${riskAfter.score} after`}>
            {riskBefore.score} <RiskLevelBadge level={riskBefore.level} score={riskBefore.score} />
            <ArrowRightRegular aria-hidden />
            {riskAfter.score} <RiskLevelBadge level={riskAfter.level} score={riskAfter.score} showBand />
          </div>
          {diff.resolvedSignals.length > 0 ? (
            <>
              <Caption1>Resolved by this version</Caption1>
              <RiskSignalList signals={diff.resolvedSignals} label="Signals resolved" compact />
            </>
          ) : null}
          {diff.newSignals.length > 0 ? (
            <>
              <Caption1>New in this version</Caption1>
              <RiskSignalList signals={diff.newSignals} label="Signals introduced" />
            </>
          ) : null}
          {diff.remainingSignals.length > 0 ? (
            <>
              <Caption1>Still present</Caption1>
              <RiskSignalList signals={diff.remainingSignals} label="Signals remaining" compact />
            </>
          ) : null}
        </div>
      </div>
    </SectionCard>
  );
}
