import type { ReactNode } from 'react';
import type { ActionResult } from '../../api/types.js';

export interface ConfirmActionDialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  /** What will happen, in a sentence or two. */
  description?: ReactNode;
  confirmLabel: string;
  /** Label of the free-text field (reason, comment, message); no field when omitted. */
  textLabel?: string;
  textRequired?: boolean;
  initialText?: string;
  /** Extra fields above the text field (e.g. a classification). */
  children?: ReactNode;
  /** Holds the confirm button back (e.g. until a classification is chosen). */
  confirmDisabled?: boolean;
  /**
   * Runs the action. The idempotency key is made once per opening, so a retry after a failure cannot
   * do the action twice. The result's message is shown in a toast titled `title`.
   */
  onConfirm(text: string, idempotencyKey: string): Promise<ActionResult>;
}
