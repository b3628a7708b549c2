/** The one Toaster of the tab (in the Shell); action results are shown there. */
export const TOASTER_ID = 'agent-warden-toasts';
