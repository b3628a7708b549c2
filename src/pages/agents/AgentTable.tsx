import {
  Badge,
  mergeClasses,
  Button,
  Caption1,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { WarningRegular } from '@fluentui/react-icons/svg/warning';
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AgentSummary } from '../../api/types.js';
import { riskBandOf } from '../../../bot/src/domain/risk.js';
import { RiskLevelBadge } from '../../components/RiskLevelBadge/RiskLevelBadge.js';
import { LIFECYCLE_LABEL, PLATFORM_LABEL } from '../../format.js';
import { useWindowedRows } from '../../hooks/useWindowedRows.js';
import { AGENT_ROW_HEIGHT, useAgentTableStyles } from './useAgentTableStyles.styles.js';

export interface AgentTableProps {
  items: AgentSummary[];
  hasMore: boolean;
  /** How many agents match in all (the API counts them on the first page); null when unknown. */
  total?: number | null;
  loadingMore: boolean;
  onLoadMore(): void;
  onOpen(agent: AgentSummary): void;
  /** The rows are those of the previous filters while the new ones load. */
  busy?: boolean;
  /** Which query the rows answer (exposed as data-query for tests and the bench). */
  queryKey?: string;
}

interface RowHandlers {
  register(index: number, el: HTMLDivElement | null): void;
  open(index: number, agent: AgentSummary): void;
  focus(index: number): void;
  keyDown(e: KeyboardEvent<HTMLDivElement>, index: number, agent: AgentSummary): void;
}

interface AgentRowProps {
  agent: AgentSummary;
  index: number;
  /** The row in the tab order (roving tabindex). */
  tabbable: boolean;
  handlers: RowHandlers;
}

/** One registry row; memoized, so scrolling and filter changes re-render only rows whose data changed. */
const AgentRow = memo(function AgentRow({ agent, index, tabbable, handlers }: AgentRowProps) {
  const styles = useAgentTableStyles();
  return (
    <TableRow
      className={styles.row}
      aria-rowindex={index + 2}
      aria-label={`${agent.name}, risk ${agent.riskScore} ${riskBandOf(agent.riskLevel) ?? agent.riskLevel}, ${LIFECYCLE_LABEL[agent.lifecycle]}`}
      tabIndex={tabbable ? 0 : -1}
      ref={(el: HTMLDivElement | null) => handlers.register(index, el)}
      onClick={() => handlers.open(index, agent)}
      onFocus={() => handlers.focus(index)}
      onKeyDown={(e: KeyboardEvent<HTMLDivElement>) => handlers.keyDown(e, index, agent)}
    >
      <TableCell className={styles.name}>
        <strong className={styles.nowrap} title={agent.name}>
          {agent.name}
        </strong>
      </TableCell>
      <TableCell className={styles.risk}>
        <span className={styles.score} aria-label={`risk score ${agent.riskScore}`}>
          {agent.riskScore}
        </span>
        <RiskLevelBadge level={agent.riskLevel} score={agent.riskScore} size="small" focusable={false} />
      </TableCell>
      <TableCell className={styles.signals}>
        <span className={styles.nowrap} title={agent.signals.map((s) => s.title).join('; ')}>
          {agent.signals
            .slice(0, 2)
            .map((s) => s.title)
            .join('; ') || '—'}
        </span>
      </TableCell>
      <TableCell className={styles.platform}>
        <span className={styles.nowrap}>{PLATFORM_LABEL[agent.platform] ?? agent.platform}</span>
      </TableCell>
      <TableCell className={styles.maker}>
        <span className={styles.nowrap}>{agent.createdBy}</span>
      </TableCell>
      <TableCell className={styles.lifecycle}>
        <Badge
          appearance={agent.lifecycle === 'blocked' ? 'filled' : 'outline'}
          color={agent.lifecycle === 'blocked' ? 'danger' : 'success'}
        >
          {LIFECYCLE_LABEL[agent.lifecycle]}
        </Badge>
      </TableCell>
      <TableCell className={styles.tools}>
        {agent.toolCount}
        {agent.mcpOnMakerCredentials ? (
          // A native title, not a Tooltip per row: the icon is not focusable, and its name is in aria-label.
          <span title="MCP server on the maker's credentials">
            <WarningRegular
              className={styles.makerIcon}
              fontSize={16}
              role="img"
              aria-label="MCP on maker credentials"
            />
          </span>
        ) : null}
      </TableCell>
    </TableRow>
  );
});

/** Rows this close to the end of what is loaded fetch the next page. */
const PREFETCH_ROWS = 30;

/**
 * The agent registry as an ARIA table whose body is windowed: fixed-height rows, only those in view
 * are in the DOM. One row is in the tab order (roving tabindex); arrows, Home/End and Page keys move.
 */
/** "1,200 of 10,000 agents" while more are to come, "12 agents" when all are shown. */
export function agentCount(shown: number, hasMore: boolean, total: number | null): string {
  const noun = (n: number) => `agent${n === 1 ? '' : 's'}`;
  if (hasMore && total !== null && total > shown)
    return `${shown.toLocaleString()} of ${total.toLocaleString()} ${noun(total)}`;
  if (hasMore) return `${shown.toLocaleString()} ${noun(shown)} loaded, more as you scroll`;
  return `${shown.toLocaleString()} ${noun(shown)}`;
}

export function AgentTable({
  items,
  hasMore,
  total = null,
  loadingMore,
  onLoadMore,
  onOpen,
  busy = false,
  queryKey,
}: AgentTableProps) {
  const styles = useAgentTableStyles();
  const rows = useWindowedRows({ count: items.length, rowHeight: AGENT_ROW_HEIGHT });
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);
  const rowRefs = useRef(new Map<number, HTMLDivElement>());

  const activeIndex = Math.min(active, Math.max(0, items.length - 1));

  useEffect(() => {
    if (hasMore && !loadingMore && rows.end >= items.length - PREFETCH_ROWS) onLoadMore();
  }, [rows.end, items.length, hasMore, loadingMore, onLoadMore]);

  // New filters: back to the top of the list.
  const settledKey = busy ? null : queryKey;
  const containerRef = rows.containerRef;
  useEffect(() => {
    if (settledKey === null) return;
    if (containerRef.current) containerRef.current.scrollTop = 0;
    setActive(0);
  }, [settledKey, containerRef]);

  useEffect(() => {
    if (!focusPending.current) return;
    const el = rowRefs.current.get(activeIndex);
    if (el) {
      focusPending.current = false;
      el.focus({ preventScroll: true });
    }
  });

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(items.length - 1, index));
    setActive(next);
    rows.scrollToIndex(next);
    focusPending.current = true;
  };

  const pageRows = Math.max(1, rows.end - rows.start - 2);
  const latest = useRef({ onOpen, onKeyDown: (_e: KeyboardEvent<HTMLDivElement>, _i: number, _a: AgentSummary) => {} });
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, index: number, agent: AgentSummary) => {
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: items.length - 1,
      PageDown: index + pageRows,
      PageUp: index - pageRows,
    };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(agent);
    } else if (event.key in moves) {
      event.preventDefault();
      moveTo(moves[event.key] ?? index);
    }
  };

  latest.current = { onOpen, onKeyDown };
  // One stable object, so a row re-renders only when its agent, index or tab stop changes.
  const handlers = useMemo<RowHandlers>(
    () => ({
      register: (index, el) => {
        if (el) rowRefs.current.set(index, el);
        else rowRefs.current.delete(index);
      },
      open: (index, agent) => {
        setActive(index);
        latest.current.onOpen(agent);
      },
      focus: (index) => setActive(index),
      keyDown: (e, index, agent) => latest.current.onKeyDown(e, index, agent),
    }),
    [],
  );

  return (
    <div className={styles.frame}>
      <Table
        noNativeElements
        className={mergeClasses(styles.table, busy && styles.busy)}
        aria-label="Agents"
        aria-busy={busy}
        data-query={queryKey}
        aria-rowcount={hasMore ? -1 : items.length + 1}
        size="medium"
      >
        <TableHeader>
          <TableRow aria-rowindex={1}>
            <TableHeaderCell className={styles.name}>Agent</TableHeaderCell>
            <TableHeaderCell className={styles.risk}>Risk</TableHeaderCell>
            <TableHeaderCell className={styles.signals}>Top signals</TableHeaderCell>
            <TableHeaderCell className={styles.platform}>Platform</TableHeaderCell>
            <TableHeaderCell className={styles.maker}>Maker</TableHeaderCell>
            <TableHeaderCell className={styles.lifecycle}>Lifecycle</TableHeaderCell>
            <TableHeaderCell className={styles.tools}>Tools</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody className={styles.scroller} ref={rows.containerRef} onScroll={rows.onScroll}>
          <div className={styles.spacer} style={{ height: rows.totalHeight }}>
            <div className={styles.window} style={{ top: rows.offsetTop }}>
              {items.slice(rows.start, rows.end).map((agent, offset) => {
                const index = rows.start + offset;
                return (
                  <AgentRow
                    key={agent.id}
                    agent={agent}
                    index={index}
                    tabbable={index === activeIndex}
                    handlers={handlers}
                  />
                );
              })}
            </div>
          </div>
        </TableBody>
      </Table>
      <div className={styles.footer} role="status" aria-live="polite">
        {busy ? <Spinner size="tiny" label="Applying the filters" /> : null}
        {loadingMore ? <Spinner size="tiny" label="Loading more agents" /> : null}
        {!loadingMore && !busy ? <Caption1>{agentCount(items.length, hasMore, total)}</Caption1> : null}
        {hasMore && !loadingMore && !busy ? (
          <Button size="small" appearance="subtle" onClick={onLoadMore}>
            Load more
          </Button>
        ) : null}
      </div>
    </div>
  );
}
