import { useState } from 'react';
import type { PersonaPickerProps } from './PersonaPicker.types.js';

export function usePersonaPicker({ personas, initialUpn, onPick }: PersonaPickerProps) {
  const known = personas.some((p) => p.upn === initialUpn);
  const [selected, setSelected] = useState<string>(known && initialUpn ? initialUpn : (personas[0]?.upn ?? ''));
  const submit = () => {
    if (selected) onPick(selected);
  };
  return { selected, setSelected, submit };
}
