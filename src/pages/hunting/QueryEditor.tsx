import { Field, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useRef, type KeyboardEvent } from 'react';

/** Where a query error points (1-based), as the API reports it. */
export interface QueryPlace {
  line: number;
  column: number;
}

/** The offset in `text` of a 1-based line and column, clamped to the text. */
export function offsetOf(text: string, place: QueryPlace): number {
  const lines = text.split('\n');
  const line = Math.min(Math.max(1, place.line), lines.length);
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += (lines[i] ?? '').length + 1;
  const column = Math.min(Math.max(1, place.column), (lines[line - 1] ?? '').length + 1);
  return offset + column - 1;
}

const LINE_HEIGHT = '20px';

const useStyles = makeStyles({
  frame: {
    display: 'flex',
    alignItems: 'stretch',
    minWidth: 0,
  },
  gutter: {
    margin: 0,
    flexShrink: 0,
    overflow: 'hidden',
    boxSizing: 'border-box',
    // The textarea's own top padding and border, so numbers sit on their lines.
    paddingTop: `calc(${tokens.spacingVerticalSNudge} + ${tokens.strokeWidthThin})`,
    paddingInline: tokens.spacingHorizontalS,
    textAlign: 'end',
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase300,
    lineHeight: LINE_HEIGHT,
    color: tokens.colorNeutralForeground3,
    backgroundColor: tokens.colorNeutralBackground3,
    borderTopLeftRadius: tokens.borderRadiusMedium,
    borderBottomLeftRadius: tokens.borderRadiusMedium,
    userSelect: 'none',
  },
  editor: {
    flexGrow: 1,
    minWidth: 0,
    '& textarea': {
      fontFamily: tokens.fontFamilyMonospace,
      fontSize: tokens.fontSizeBase300,
      lineHeight: LINE_HEIGHT,
      whiteSpace: 'pre',
      overflowWrap: 'normal',
      overflowX: 'auto',
    },
  },
});

export interface QueryEditorProps {
  value: string;
  onChange(value: string): void;
  onRun(): void;
  /** The place the last error points at: the caret moves there. */
  errorAt: QueryPlace | null;
}

/** The KQL editor: numbered lines, no wrapping (so numbers match lines), Ctrl+Enter runs, errors move the caret. */
export function QueryEditor({ value, onChange, onRun, errorAt }: QueryEditorProps) {
  const styles = useStyles();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLPreElement>(null);
  const lineCount = value.split('\n').length;

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onRun();
    }
  };
  const syncScroll = () => {
    if (gutter.current && textarea.current) gutter.current.scrollTop = textarea.current.scrollTop;
  };

  useEffect(() => {
    const element = textarea.current;
    if (!errorAt || !element) return;
    const offset = offsetOf(element.value, errorAt);
    element.focus();
    element.setSelectionRange(offset, offset);
    syncScroll();
  }, [errorAt]);

  return (
    <Field label="Query" hint="Ctrl+Enter runs the query.">
      {(fieldProps) => (
        <div className={styles.frame}>
          <pre ref={gutter} className={styles.gutter} aria-hidden="true" data-testid="line-numbers">
            {Array.from({ length: lineCount }, (_, i) => i + 1).join('\n')}
          </pre>
          <Textarea
            {...fieldProps}
            className={styles.editor}
            textarea={{ ref: textarea, wrap: 'off', onScroll: syncScroll }}
            value={value}
            onChange={(_, data) => onChange(data.value)}
            onKeyDown={onKeyDown}
            rows={10}
            resize="vertical"
            spellCheck={false}
            placeholder="AIAgentsInfo | where ..."
          />
        </div>
      )}
    </Field>
  );
}
