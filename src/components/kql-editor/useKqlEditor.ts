import {
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ChangeEvent,
  type KeyboardEvent,
  type UIEvent,
} from 'react';
import { completeKql, type KqlCompletion, type KqlCompletionItem } from './kql-completion.js';
import { offsetOf } from './kql-place.js';
import { lastSignificant, tokenizeKql } from './kql-tokens.js';
import type { KqlEditorProps } from './KqlEditor.types.js';

interface OpenCompletion extends KqlCompletion {
  active: number;
}

const WORD_CHAR = /^[A-Za-z0-9_$-]$/;

/** The editor's state: the suggestion list (opened by typing or Ctrl+Space), the keys that drive it, the error mark. */
export function useKqlEditor({ value, onChange, onRun, schema, errorAt }: KqlEditorProps) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const highlight = useRef<HTMLPreElement>(null);
  const gutter = useRef<HTMLPreElement>(null);
  const [completion, setCompletion] = useState<OpenCompletion | null>(null);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  // The error is marked on the text it was reported for; any edit clears it.
  const [marked, setMarked] = useState<{ text: string; offset: number } | null>(null);
  const pendingCaret = useRef<number | null>(null);

  /** Opens (or narrows) the list at the caret; `explicit` (Ctrl+Space) also opens where nothing is typed yet. */
  const suggest = (text: string, caret: number, explicit: boolean) => {
    const next = completeKql(text, caret, schema);
    const word = next ? text.slice(next.from, caret) : '';
    const useless =
      !next ||
      next.items.length === 0 ||
      (next.items.length === 1 && next.items[0]?.insert.trim() === word) ||
      (!explicit && word === '' && next.context === 'column');
    setCompletion(useless ? null : { ...next, active: 0 });
  };

  const accept = (item: KqlCompletionItem) => {
    if (!completion) return;
    // `T |where` reads badly: a space after the pipe.
    const insert = (value[completion.from - 1] === '|' ? ' ' : '') + item.insert;
    pendingCaret.current = completion.from + insert.length;
    onChange(value.slice(0, completion.from) + insert + value.slice(completion.to));
    setCompletion(null);
  };

  // After an accepted suggestion, the caret goes after what was put in.
  useLayoutEffect(() => {
    const element = textarea.current;
    if (pendingCaret.current === null || !element) return;
    element.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  }, [value]);

  const syncScroll = (event?: UIEvent<HTMLTextAreaElement>) => {
    const element = event?.currentTarget ?? textarea.current;
    if (!element) return;
    if (gutter.current) gutter.current.scrollTop = element.scrollTop;
    if (highlight.current) {
      highlight.current.scrollTop = element.scrollTop;
      highlight.current.scrollLeft = element.scrollLeft;
    }
    setScroll({ top: element.scrollTop, left: element.scrollLeft });
  };

  // The highlight follows the textarea's scrolling also when typing moves it (no scroll event then in some browsers).
  useLayoutEffect(() => syncScroll(), [value]);

  useEffect(() => {
    const element = textarea.current;
    if (!errorAt || !element) return;
    const offset = offsetOf(element.value, errorAt);
    setMarked({ text: element.value, offset });
    element.focus();
    element.setSelectionRange(offset, offset);
    syncScroll();
  }, [errorAt]);

  const onInput = (event: ChangeEvent<HTMLTextAreaElement>) => {
    const element = event.currentTarget;
    const text = element.value;
    const caret = element.selectionStart;
    onChange(text);
    const native = event.nativeEvent as InputEvent;
    const typed = native.inputType === 'insertText' ? (native.data ?? '') : '';
    const last = typed.slice(-1);
    const tokens = tokenizeKql(text.slice(0, caret));
    const afterPipe = lastSignificant(tokens)?.kind === 'pipe';
    if (WORD_CHAR.test(last) || (afterPipe && (last === ' ' || last === '|'))) suggest(text, caret, afterPipe);
    else if (completion && native.inputType?.startsWith('delete')) suggest(text, caret, false);
    else setCompletion(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const modifier = event.ctrlKey || event.metaKey;
    if (event.key === 'Enter' && modifier) {
      event.preventDefault();
      setCompletion(null);
      onRun?.();
      return;
    }
    if (event.key === ' ' && event.ctrlKey) {
      event.preventDefault();
      const element = event.currentTarget;
      suggest(element.value, element.selectionStart, true);
      return;
    }
    if (!completion) return;
    const count = completion.items.length;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setCompletion({ ...completion, active: (completion.active + 1) % count });
        break;
      case 'ArrowUp':
        event.preventDefault();
        setCompletion({ ...completion, active: (completion.active - 1 + count) % count });
        break;
      case 'Enter':
      case 'Tab': {
        if (event.shiftKey) break;
        const item = completion.items[completion.active];
        if (!item) break;
        event.preventDefault();
        accept(item);
        break;
      }
      case 'Escape':
        // Only the list closes (not a dialog around the editor).
        event.preventDefault();
        event.stopPropagation();
        setCompletion(null);
        break;
      case 'ArrowLeft':
      case 'ArrowRight':
      case 'Home':
      case 'End':
      case 'PageUp':
      case 'PageDown':
        setCompletion(null);
        break;
      default:
    }
  };

  return {
    textarea,
    highlight,
    gutter,
    completion,
    setActive: (active: number) => setCompletion((c) => (c ? { ...c, active } : c)),
    close: () => setCompletion(null),
    accept,
    onInput,
    onKeyDown,
    syncScroll,
    scroll,
    errorOffset: marked && marked.text === value ? marked.offset : null,
  };
}
