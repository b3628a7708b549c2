import { Field, Radio, RadioGroup } from '@fluentui/react-components';
import { CheckmarkCircleRegular } from '@fluentui/react-icons/svg/checkmark-circle';
import { useState } from 'react';
import type { ActionResult, Classification } from '../../api/types.js';
import { ActionDialogButton } from '../../components/ConfirmActionDialog/ActionDialogButton.js';
import { CLASSIFICATION_LABEL } from '../../format.js';

export interface ResolveIncidentButtonProps {
  incidentTitle: string;
  appearance?: 'primary' | 'secondary';
  onResolve(classification: Classification, comment: string, idempotencyKey: string): Promise<ActionResult>;
}

/** Resolve with a classification (true, false or benign positive) and a comment. */
export function ResolveIncidentButton({ incidentTitle, appearance, onResolve }: ResolveIncidentButtonProps) {
  const [classification, setClassification] = useState<Classification | ''>('');
  return (
    <ActionDialogButton
      label="Resolve"
      appearance={appearance}
      icon={<CheckmarkCircleRegular />}
      title="Resolve incident"
      description={`Resolve "${incidentTitle}". Its alerts are resolved with it.`}
      confirmLabel="Resolve"
      textLabel="Comment"
      textRequired
      confirmDisabled={classification === ''}
      onConfirm={(comment, key) => onResolve(classification as Classification, comment, key)}
    >
      <Field label="Classification" required>
        <RadioGroup value={classification} onChange={(_, data) => setClassification(data.value as Classification)}>
          {(Object.keys(CLASSIFICATION_LABEL) as Classification[]).map((c) => (
            <Radio key={c} value={c} label={CLASSIFICATION_LABEL[c]} />
          ))}
        </RadioGroup>
      </Field>
    </ActionDialogButton>
  );
}
