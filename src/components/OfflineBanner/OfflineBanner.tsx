import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useServerChanges } from '../../session/Changes.js';

/** Shown while the server does not answer: what is on screen may be out of date; it clears by itself. */
export function OfflineBanner({ className }: { className?: string }) {
  const { offline } = useServerChanges();
  if (!offline) return null;
  return (
    <div className={className}>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Offline</MessageBarTitle>
          The Agent Warden server cannot be reached, so what you see may be out of date. The page reconnects by itself
          when the server is back.
        </MessageBarBody>
      </MessageBar>
    </div>
  );
}
