import { Toast, ToastBody, ToastTitle, useToastController } from '@fluentui/react-components';
import { useCallback } from 'react';
import type { ActionResult } from '../api/types.js';
import { TOASTER_ID } from '../app/toaster.js';

/** Shows an action's outcome (the server's ActionResult message) or its error in the tab's Toaster. */
export function useActionFeedback() {
  const { dispatchToast } = useToastController(TOASTER_ID);

  const showResult = useCallback(
    (title: string, result: ActionResult) => {
      dispatchToast(
        <Toast>
          <ToastTitle>{title}</ToastTitle>
          <ToastBody>{result.message}</ToastBody>
        </Toast>,
        { intent: result.outcome === 'done' ? 'success' : 'info' },
      );
    },
    [dispatchToast],
  );

  const showError = useCallback(
    (title: string, error: unknown) => {
      dispatchToast(
        <Toast>
          <ToastTitle>{title}</ToastTitle>
          <ToastBody>{error instanceof Error ? error.message : String(error)}</ToastBody>
        </Toast>,
        { intent: 'error' },
      );
    },
    [dispatchToast],
  );

  return { showResult, showError };
}
