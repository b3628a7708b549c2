import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  MessageBar,
  MessageBarBody,
  Spinner,
  Textarea,
} from '@fluentui/react-components';
import type { FormEvent } from 'react';
import type { ConfirmActionDialogProps } from './ConfirmActionDialog.types.js';
import { useConfirmActionDialog } from './useConfirmActionDialog.js';
import { useConfirmActionDialogStyles } from './useConfirmActionDialogStyles.styles.js';

/** Confirms a response action, optionally with a reason; Fluent's Dialog traps focus while open. */
export function ConfirmActionDialog(props: ConfirmActionDialogProps) {
  const { open, onOpenChange, title, description, confirmLabel, textLabel, textRequired, children } = props;
  const state = useConfirmActionDialog(props);
  const styles = useConfirmActionDialogStyles();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void state.confirm();
  };
  return (
    <Dialog open={open} onOpenChange={(_, data) => !state.pending && onOpenChange(data.open)}>
      <DialogSurface>
        <form onSubmit={submit}>
          <DialogBody>
            <DialogTitle>{title}</DialogTitle>
            <DialogContent className={styles.content}>
              {description ? <div>{description}</div> : null}
              {children}
              {textLabel ? (
                <Field label={textLabel} required={textRequired}>
                  <Textarea
                    value={state.text}
                    onChange={(_, data) => state.setText(data.value)}
                    resize="vertical"
                    rows={3}
                    maxLength={2000}
                  />
                </Field>
              ) : null}
              {state.error ? (
                <MessageBar intent="error">
                  <MessageBarBody>{state.error}</MessageBarBody>
                </MessageBar>
              ) : null}
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" disabled={state.pending} onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button
                appearance="primary"
                type="submit"
                disabled={!state.canConfirm}
                icon={state.pending ? <Spinner size="tiny" /> : undefined}
              >
                {confirmLabel}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
