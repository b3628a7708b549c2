import { Field } from '@fluentui/react-components';
import { KqlEditor } from '../../components/kql-editor/KqlEditor.js';
import type { QueryPlace } from '../../components/kql-editor/kql-place.js';
import type { KqlSchema } from '../../components/kql-editor/kql-tokens.js';

export type { QueryPlace } from '../../components/kql-editor/kql-place.js';
export { offsetOf } from '../../components/kql-editor/kql-place.js';

export interface QueryEditorProps {
  value: string;
  onChange(value: string): void;
  onRun(): void;
  /** The place the last error points at: the caret moves there. */
  errorAt: QueryPlace | null;
  /** The hunting tables, for colours and suggestions; null until loaded. */
  schema: KqlSchema | null;
  /** Teams' high contrast theme. */
  contrast: boolean;
}

/** The Hunting page's query field: the KQL editor with its label and the keys it takes. */
export function QueryEditor({ value, onChange, onRun, errorAt, schema, contrast }: QueryEditorProps) {
  return (
    <Field label="Query" hint="Ctrl+Enter runs the query; Ctrl+Space suggests tables, operators and columns.">
      {(fieldProps) => (
        <KqlEditor
          value={value}
          onChange={onChange}
          onRun={onRun}
          schema={schema}
          errorAt={errorAt}
          contrast={contrast}
          fieldProps={fieldProps}
          placeholder="AIAgentsInfo | where ..."
        />
      )}
    </Field>
  );
}
