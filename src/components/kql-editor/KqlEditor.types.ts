import type { TextareaHTMLAttributes } from 'react';
import type { QueryPlace } from './kql-place.js';
import type { KqlSchema } from './kql-tokens.js';

export interface KqlEditorProps {
  value: string;
  onChange(value: string): void;
  /** Ctrl+Enter (Cmd+Enter). */
  onRun?(): void;
  /** The tables and columns to colour and to offer; null while unknown (operators are still offered). */
  schema: KqlSchema | null;
  /** The place the last error points at: the caret moves there and the place is marked until the text changes. */
  errorAt: QueryPlace | null;
  /** Teams' high contrast theme: token colours from its small palette. */
  contrast?: boolean;
  rows?: number;
  placeholder?: string;
  /** What a Fluent `Field` gives its control (id, aria-describedby, aria-invalid...). */
  fieldProps?: TextareaHTMLAttributes<HTMLTextAreaElement>;
}
