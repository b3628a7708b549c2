import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  Title3,
} from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons/svg/arrow-download';
import { MailRegular } from '@fluentui/react-icons/svg/mail';
import { PlayRegular } from '@fluentui/react-icons/svg/play';
import { ProhibitedRegular } from '@fluentui/react-icons/svg/prohibited';
import { useEffect, useRef } from 'react';
import { useHostTheme } from '../../app/useHostTheme.js';
import { ActionDialogButton } from '../../components/ConfirmActionDialog/ActionDialogButton.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/PageState/PageState.js';
import { SectionCard } from '../../components/SectionCard/SectionCard.js';
import { HuntingResultsTable } from './HuntingResultsTable.js';
import { QueryEditor } from './QueryEditor.js';
import { useHuntingPage } from './useHuntingPage.js';
import { useHuntingPageStyles } from './useHuntingPageStyles.styles.js';
import { useSession } from '../../session/Session.js';

/** Hunting: run a template or a query, sort and export the results, act on the agents found. */
export function HuntingPage() {
  const styles = useHuntingPageStyles();
  const h = useHuntingPage();
  const result = h.run.result;
  const count = h.selectedAgentIds.length;

  const contrast = useHostTheme(useSession().host) === 'contrast';

  // The results sit right under the Run query button; a template run far down the list brings them into view, so
  // the first rows are seen without scrolling (nothing moves when they already are).
  const resultsRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = resultsRef.current;
    // (Test DOMs have no layout, and no scrollIntoView.)
    if (!result || !element || typeof element.scrollIntoView !== 'function') return;
    const firstRow = element.querySelector('tbody tr') ?? element;
    const box = firstRow.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) element.scrollIntoView({ block: 'start' });
  }, [result]);

  let templates;
  if (h.templates.error)
    templates = <ErrorState title="Could not load templates" error={h.templates.error} onRetry={h.templates.retry} />;
  else if (!h.templates.data) templates = <LoadingState label="Loading templates" />;
  else if (h.templates.data.length === 0) templates = <EmptyState title="No templates" />;
  else
    templates = (
      <ul className={styles.templates} aria-label="Hunting templates">
        {h.templates.data.map((t) => (
          <li key={t.id} className={styles.template}>
            <Text weight="semibold">{t.name}</Text>
            {t.description ? <Caption1 className={styles.templateDescription}>{t.description}</Caption1> : null}
            <div className={styles.buttons}>
              <Button
                size="small"
                icon={<PlayRegular />}
                disabled={h.run.running}
                aria-label={`Run template ${t.name}`}
                onClick={() => h.runTemplate(t)}
              >
                Run
              </Button>
              {t.query ? (
                <Button
                  size="small"
                  appearance="subtle"
                  aria-label={`Edit template ${t.name} as a query`}
                  onClick={() => h.setQuery(t.query ?? '')}
                >
                  Edit as query
                </Button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    );

  return (
    <section className={styles.root} aria-labelledby="hunting-title">
      <Title3 as="h1" id="hunting-title">
        Hunting
      </Title3>
      {/* In reading order: the query, what it found, then the templates (placed beside them on a desktop). */}
      <div className={styles.layout}>
        <SectionCard title="Query" className={styles.queryArea}>
          <QueryEditor
            value={h.query}
            onChange={h.setQuery}
            onRun={h.runQuery}
            errorAt={h.run.errorAt}
            schema={h.schema}
            contrast={contrast}
          />
          <div className={styles.buttons}>
            <Button
              appearance="primary"
              icon={h.run.running ? <Spinner size="tiny" /> : <PlayRegular />}
              disabled={h.run.running || h.query.trim() === ''}
              onClick={h.runQuery}
            >
              Run query
            </Button>
          </div>
          {h.run.error ? (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>The query did not run</MessageBarTitle>
                {h.run.error}
              </MessageBarBody>
            </MessageBar>
          ) : null}
        </SectionCard>
        {result ? (
          <div ref={resultsRef} className={styles.results}>
            <SectionCard
              title={`Results${h.run.source ? `: ${h.run.source}` : ''}`}
              actions={
                <div className={styles.buttons}>
                  {h.hasAgentIds && h.canNotify ? (
                    <ActionDialogButton
                      label={`Notify makers (${count})`}
                      icon={<MailRegular />}
                      disabled={count === 0}
                      title="Notify makers"
                      description={`The makers of ${count} selected agent${count === 1 ? '' : 's'} get this message.`}
                      confirmLabel="Send"
                      textLabel="Message"
                      textRequired
                      initialText="Agent Warden found a risky configuration in your agent. Please review it and submit a safer version."
                      onConfirm={(message, key) => h.notifyMakers(message, key)}
                    />
                  ) : null}
                  {h.hasAgentIds && h.canBlock ? (
                    <ActionDialogButton
                      label={`Block (${count})`}
                      icon={<ProhibitedRegular />}
                      disabled={count === 0}
                      title="Block agents"
                      description={`${count} selected agent${count === 1 ? '' : 's'} will disappear from the agent store and stop working.`}
                      confirmLabel="Block"
                      textLabel="Reason"
                      textRequired
                      onConfirm={(reason, key) => h.blockAgents(reason, key)}
                    />
                  ) : null}
                  <Button icon={<ArrowDownloadRegular />} onClick={h.exportCsv} disabled={result.results.length === 0}>
                    Export CSV
                  </Button>
                </div>
              }
            >
              <Caption1 className={styles.summary} role="status">
                {result.results.length.toLocaleString()} row{result.results.length === 1 ? '' : 's'}
                {result.truncated && result.rowCount !== undefined
                  ? ` of ${result.rowCount.toLocaleString()} (the server returns at most ${result.results.length.toLocaleString()})`
                  : ''}
                {h.hasAgentIds ? `, ${count} agent${count === 1 ? '' : 's'} selected` : ''}
                {result.stats?.agentTablesAsOf
                  ? `. Agent tables as of ${new Date(result.stats.agentTablesAsOf).toLocaleTimeString()}: the latest changes are being prepared, run again in a moment to include them`
                  : ''}
              </Caption1>
              {result.results.length === 0 ? (
                <Body1>The query returned no rows.</Body1>
              ) : (
                <>
                  <HuntingResultsTable
                    result={result}
                    order={h.order}
                    limit={h.visibleRows}
                    sort={h.sort}
                    onSort={h.toggleSort}
                    selectable={h.hasAgentIds}
                    selected={h.selected}
                    onToggleRow={h.toggleRow}
                    onToggleAll={h.toggleAll}
                  />
                  {h.order.length > h.visibleRows ? (
                    <div className={styles.buttons}>
                      <Caption1>
                        Showing {h.visibleRows.toLocaleString()} of {h.order.length.toLocaleString()} rows; the CSV has
                        them all.
                      </Caption1>
                      <Button size="small" onClick={h.showMoreRows}>
                        Show more rows
                      </Button>
                    </div>
                  ) : null}
                </>
              )}
            </SectionCard>
          </div>
        ) : null}
        <SectionCard title="Templates" className={styles.templatesArea}>
          {templates}
        </SectionCard>
      </div>
    </section>
  );
}
