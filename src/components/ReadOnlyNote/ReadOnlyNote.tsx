import { Caption1 } from '@fluentui/react-components';
import type { ActionName } from '../../../bot/src/domain/authorization.js';
import { ROLE_LABEL } from '../../format.js';
import { rolesAllowedTo } from '../../session/permissions.js';
import { useSession } from '../../session/Session.js';

/** The Entra app role value (aad.manifest.json) behind each Agent Warden role. */
const APP_ROLE: Record<keyof typeof ROLE_LABEL, string> = {
  admin: 'Warden.Admin',
  responder: 'Warden.Responder',
  viewer: 'Warden.Viewer',
};

export interface ReadOnlyNoteProps {
  /** The actions the page would offer, e.g. ['revokeUser', 'blockAgent']. */
  actions: readonly ActionName[];
  /** What they do, in words: "revoke, block or resolve". */
  doing: string;
}

/** Says why a page shows no action buttons: the person's role, and which role the actions take. */
export function ReadOnlyNote({ actions, doing }: ReadOnlyNoteProps) {
  const { me } = useSession();
  const mine = me.roles.map((r) => ROLE_LABEL[r]).join(', ') || 'no role';
  const needed = rolesAllowedTo(actions);
  const neededText = needed.map((r) => `${ROLE_LABEL[r]} (${APP_ROLE[r]})`).join(' or ');
  return (
    <Caption1 role="note">
      Read only: your Agent Warden role is {mine}. To {doing}, ask an admin for the {neededText} role.
    </Caption1>
  );
}
