import { useEffect, useState } from 'react';
import { useActionFeedback } from '../useActionFeedback.js';
import type { ConfirmActionDialogProps } from './ConfirmActionDialog.types.js';

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export function useConfirmActionDialog(props: ConfirmActionDialogProps) {
  const { open, onOpenChange, onConfirm, title, textRequired, initialText, confirmDisabled, textLabel } = props;
  const [text, setText] = useState(initialText ?? '');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const { showResult } = useActionFeedback();

  // Each opening is a new action with a fresh key and a clean form.
  useEffect(() => {
    if (!open) return;
    setText(initialText ?? '');
    setError(null);
    setPending(false);
    setIdempotencyKey(newIdempotencyKey());
  }, [open, initialText]);

  const missingText = Boolean(textLabel && textRequired && text.trim() === '');
  const canConfirm = !pending && !missingText && !confirmDisabled;

  const confirm = async () => {
    if (!canConfirm) return;
    setPending(true);
    setError(null);
    try {
      const result = await onConfirm(text.trim(), idempotencyKey);
      showResult(title, result);
      onOpenChange(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setPending(false);
    }
  };

  return { text, setText, pending, error, canConfirm, missingText, confirm };
}
