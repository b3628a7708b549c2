import type { Persona } from '../../api/types.js';

export interface PersonaPickerProps {
  personas: Persona[];
  /** Preselected persona (remembered or from `?as=`). */
  initialUpn?: string | null;
  /** Why the picker is shown again (e.g. the remembered persona is gone). */
  notice?: string | null;
  onPick(upn: string): void;
}
