import { mergeClasses } from '@fluentui/react-components';
import { useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { lineAndColumnOf } from './kql-place.js';
import { tokenizeKql, type KqlTokenKind } from './kql-tokens.js';
import type { KqlEditorProps } from './KqlEditor.types.js';
import { useKqlEditor } from './useKqlEditor.js';
import { LINE_HEIGHT_PX, PADDING_PX, useKqlEditorStyles } from './useKqlEditorStyles.styles.js';

type Styles = ReturnType<typeof useKqlEditorStyles>;

const COLOURED: Partial<Record<KqlTokenKind, keyof Styles>> = {
  keyword: 'keyword',
  operator: 'operator',
  pipe: 'pipe',
  string: 'string',
  number: 'number',
  comment: 'comment',
  table: 'table',
  column: 'column',
  function: 'function',
};
const CONTRAST: Partial<Record<KqlTokenKind, keyof Styles>> = {
  keyword: 'keywordContrast',
  operator: 'operatorContrast',
  pipe: 'operatorContrast',
  string: 'stringContrast',
  number: 'numberContrast',
  table: 'tableContrast',
};

const POPUP_WIDTH_PX = 340;

/**
 * A KQL editor: a real textarea (the value, the caret, the label, what a screen reader reads) under a coloured copy
 * of its text, numbered lines, the place of the last error marked, and table, operator and column suggestions.
 */
export function KqlEditor(props: KqlEditorProps) {
  const { value, schema, contrast = false, rows = 10, placeholder, fieldProps } = props;
  const styles = useKqlEditorStyles();
  const editor = useKqlEditor(props);
  const { completion, errorOffset } = editor;
  const listboxId = useId();
  const measure = useRef<HTMLSpanElement>(null);
  const listbox = useRef<HTMLUListElement>(null);
  const area = useRef<HTMLDivElement>(null);
  const [charWidth, setCharWidth] = useState(8);
  const lineCount = value.split('\n').length;
  const errorLine = errorOffset === null ? null : lineAndColumnOf(value, errorOffset).line + 1;

  useLayoutEffect(() => {
    // (Test DOMs have no layout: keep the default there.)
    const width = measure.current?.getBoundingClientRect().width ?? 0;
    if (width > 0) setCharWidth(width / 10);
  }, []);

  // The active suggestion stays in the list's view (without scrolling the page).
  useLayoutEffect(() => {
    const list = listbox.current;
    const option = list?.children[completion?.active ?? 0] as HTMLElement | undefined;
    if (!list || !option) return;
    if (option.offsetTop < list.scrollTop) list.scrollTop = option.offsetTop;
    else if (option.offsetTop + option.offsetHeight > list.scrollTop + list.clientHeight)
      list.scrollTop = option.offsetTop + option.offsetHeight - list.clientHeight;
  }, [completion?.active, completion?.items]);

  const coloured = useMemo(() => {
    const tokens = tokenizeKql(value, schema);
    const errorEnd =
      errorOffset === null
        ? null
        : Math.max(
            errorOffset + 1,
            tokens.find((t) => t.start <= errorOffset && errorOffset < t.end && t.kind !== 'whitespace')?.end ?? 0,
          );
    const out: ReactNode[] = [];
    const piece = (kind: KqlTokenKind, start: number, end: number) => {
      const text = value.slice(start, end);
      const colour = (contrast ? CONTRAST[kind] : undefined) ?? COLOURED[kind];
      if (kind === 'whitespace' || !colour) return text;
      return (
        <span key={`${start}`} className={styles[colour]} data-kind={kind}>
          {text}
        </span>
      );
    };
    for (const t of tokens) {
      if (errorOffset === null || errorEnd === null || t.end <= errorOffset || t.start >= errorEnd) {
        out.push(piece(t.kind, t.start, t.end));
        continue;
      }
      const markStart = Math.max(t.start, errorOffset);
      const markEnd = Math.min(t.end, errorEnd);
      if (t.start < markStart) out.push(piece(t.kind, t.start, markStart));
      out.push(
        <mark key={`error-${markStart}`} className={styles.error} data-testid="kql-error">
          {piece(t.kind, markStart, markEnd)}
        </mark>,
      );
      if (markEnd < t.end) out.push(piece(t.kind, markEnd, t.end));
    }
    // An error at the very end (an unfinished query) marks the place after the text.
    if (errorOffset !== null && errorOffset >= value.length) {
      out.push(
        <mark key="error-end" className={styles.error} data-testid="kql-error">
          {' '}
        </mark>,
      );
    }
    // A final newline needs a line after it to be drawn.
    out.push('\n');
    return out;
  }, [value, schema, contrast, errorOffset, styles]);

  let popupStyle: { top: number; left: number; width: number } | null = null;
  if (completion) {
    const { line, column } = lineAndColumnOf(value, completion.from);
    const areaWidth = area.current?.clientWidth ?? POPUP_WIDTH_PX;
    const width = Math.min(POPUP_WIDTH_PX, areaWidth);
    const left = PADDING_PX + column * charWidth - editor.scroll.left;
    popupStyle = {
      top: PADDING_PX + (line + 1) * LINE_HEIGHT_PX - editor.scroll.top + 2,
      left: Math.max(0, Math.min(left, areaWidth - width)),
      width,
    };
  }
  const optionId = (i: number) => `${listboxId}-option-${i}`;

  return (
    <>
      <div className={styles.frame}>
        <pre ref={editor.gutter} className={styles.gutter} aria-hidden="true" data-testid="line-numbers">
          {Array.from({ length: lineCount }, (_, i) => (
            <span
              key={i}
              className={i + 1 === errorLine ? styles.errorLine : undefined}
              data-error-line={i + 1 === errorLine ? true : undefined}
            >
              {i + 1}
              {i + 1 < lineCount ? '\n' : ''}
            </span>
          ))}
        </pre>
        <div ref={area} className={styles.area}>
          <textarea
            {...fieldProps}
            ref={editor.textarea}
            className={styles.input}
            value={value}
            rows={rows}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            autoCorrect="off"
            placeholder={placeholder}
            aria-autocomplete="list"
            aria-controls={completion ? listboxId : undefined}
            aria-activedescendant={completion ? optionId(completion.active) : undefined}
            onChange={editor.onInput}
            onKeyDown={editor.onKeyDown}
            onScroll={editor.syncScroll}
            onMouseDown={editor.close}
            onBlur={editor.close}
          />
          <pre ref={editor.highlight} className={styles.highlight} aria-hidden="true" data-testid="kql-highlight">
            {coloured}
          </pre>
          <span ref={measure} className={styles.measure} aria-hidden="true">
            0000000000
          </span>
          {completion && popupStyle ? (
            <ul
              ref={listbox}
              id={listboxId}
              role="listbox"
              aria-label={`${completion.context === 'operator' ? 'Operators' : completion.context === 'table' ? 'Tables' : 'Columns'}`}
              className={styles.popup}
              style={popupStyle}
            >
              {completion.items.map((item, i) => (
                <li
                  key={item.label}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === completion.active}
                  className={mergeClasses(styles.option, i === completion.active && styles.optionActive)}
                  // Keep the focus (and the caret) in the textarea.
                  onMouseDown={(event) => event.preventDefault()}
                  onMouseEnter={() => editor.setActive(i)}
                  onClick={() => editor.accept(item)}
                >
                  <span>{item.label}</span>
                  <span className={styles.optionDetail}>{item.detail}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
      <div aria-live="polite" className={styles.visuallyHidden}>
        {completion
          ? `${completion.items.length} suggestion${completion.items.length === 1 ? '' : 's'}; Up and Down to choose, Enter or Tab to accept, Escape to close.`
          : ''}
      </div>
    </>
  );
}
