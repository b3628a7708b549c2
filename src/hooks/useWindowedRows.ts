import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject, type UIEvent } from 'react';

export interface WindowedRowsOptions {
  count: number;
  /** Every row has this height in pixels. */
  rowHeight: number;
  /** Rows rendered beyond each edge of the viewport. */
  overscan?: number;
  /** Used until the container has been measured (and in jsdom, which has no layout). */
  fallbackHeight?: number;
}

export interface WindowedRows {
  containerRef: RefObject<HTMLDivElement | null>;
  onScroll(event: UIEvent<HTMLElement>): void;
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** Height of all rows together. */
  totalHeight: number;
  /** Where the first rendered row sits. */
  offsetTop: number;
  /** Scrolls the container just enough to show row `index`. */
  scrollToIndex(index: number): void;
}

/**
 * Windowing for a list of fixed-height rows: only the rows in view (plus `overscan`) are rendered, so
 * 10,000 agents cost as much as 30. The container must scroll (overflow: auto) and hold the rows.
 */
export function useWindowedRows({
  count,
  rowHeight,
  overscan = 8,
  fallbackHeight = 600,
}: WindowedRowsOptions): WindowedRows {
  const containerRef = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(fallbackHeight);

  useLayoutEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight > 0 ? el.clientHeight : fallbackHeight);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [fallbackHeight]);

  // A shorter list (new filter) may leave the scroll position past its end.
  useEffect(() => {
    const el = containerRef.current;
    if (el && el.scrollTop > count * rowHeight) {
      el.scrollTop = 0;
      setScrollTop(0);
    }
  }, [count, rowHeight]);

  const onScroll = useCallback((event: UIEvent<HTMLElement>) => setScrollTop(event.currentTarget.scrollTop), []);

  const scrollToIndex = useCallback(
    (index: number) => {
      const el = containerRef.current;
      if (!el) return;
      const height = el.clientHeight > 0 ? el.clientHeight : viewport;
      const top = index * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + height) el.scrollTop = top + rowHeight - height;
      setScrollTop(el.scrollTop);
    },
    [rowHeight, viewport],
  );

  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil(viewport / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return {
    containerRef,
    onScroll,
    start,
    end,
    totalHeight: count * rowHeight,
    offsetTop: start * rowHeight,
    scrollToIndex,
  };
}
