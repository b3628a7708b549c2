import { Button, type ButtonProps } from '@fluentui/react-components';
import { useState } from 'react';
import { ConfirmActionDialog } from './ConfirmActionDialog.js';
import type { ConfirmActionDialogProps } from './ConfirmActionDialog.types.js';

export interface ActionDialogButtonProps extends Omit<ConfirmActionDialogProps, 'open' | 'onOpenChange'> {
  /** The button's text (its accessible name). */
  label: string;
  icon?: ButtonProps['icon'];
  appearance?: ButtonProps['appearance'];
  disabled?: boolean;
}

/** A button that opens a ConfirmActionDialog for one response action. */
export function ActionDialogButton({ label, icon, appearance, disabled, ...dialog }: ActionDialogButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={icon} appearance={appearance} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <ConfirmActionDialog {...dialog} open={open} onOpenChange={setOpen} />
    </>
  );
}
