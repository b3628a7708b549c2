import { Button, type ButtonProps } from '@fluentui/react-components';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ConfirmActionDialog } from './ConfirmActionDialog.js';
import type { ConfirmActionDialogProps } from './ConfirmActionDialog.types.js';

export interface ActionDialogButtonProps extends Omit<ConfirmActionDialogProps, 'open' | 'onOpenChange'> {
  /** The button's text (its accessible name). */
  label: string;
  icon?: ButtonProps['icon'];
  appearance?: ButtonProps['appearance'];
  disabled?: boolean;
}

/**
 * Where focus goes when a dialog closes: back to the button that opened it, or, when the action removed that button
 * (a resolved incident has no Resolve), to the page's heading, never to the page body where a keyboard user is lost.
 */
export function restoreFocus(opener: HTMLElement | null): void {
  if (opener?.isConnected && !opener.hasAttribute('disabled')) {
    opener.focus();
    return;
  }
  const heading = document.querySelector<HTMLElement>('main h1');
  if (!heading) return;
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus();
}

/** A button that opens a ConfirmActionDialog for one response action; focus comes back to it when it closes. */
export function ActionDialogButton({ label, icon, appearance, disabled, ...dialog }: ActionDialogButtonProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (open) {
      wasOpen.current = true;
      return;
    }
    if (!wasOpen.current) return;
    wasOpen.current = false;
    // After the dialog's own focus handling and the page's refresh have run.
    const timer = setTimeout(() => restoreFocus(button.current), 0);
    return () => clearTimeout(timer);
  }, [open]);
  // The action may remove this very button once the page refreshes (Resolve on a resolved incident): if it has
  // focus as it goes, the heading takes it.
  useLayoutEffect(() => {
    const element = button.current;
    return () => {
      if (element && document.activeElement === element) setTimeout(() => restoreFocus(null), 0);
    };
  }, []);
  return (
    <>
      <Button ref={button} icon={icon} appearance={appearance} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <ConfirmActionDialog {...dialog} open={open} onOpenChange={setOpen} />
    </>
  );
}
