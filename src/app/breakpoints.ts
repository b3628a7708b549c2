/** Teams mobile (about 400 px) and narrow side panels: compact header, icon-only sections, fewer table columns. */
export const NARROW = '@media (max-width: 600px)';
