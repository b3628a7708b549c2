import { Subtitle2, mergeClasses, useId } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { useSectionCardStyles } from './useSectionCardStyles.styles.js';

export interface SectionCardProps {
  title: string;
  /** Controls shown beside the title (a view switch, an action). */
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A titled region of a page; the title names the region for assistive technology. */
export function SectionCard({ title, actions, className, children }: SectionCardProps) {
  const styles = useSectionCardStyles();
  const id = useId('section');
  return (
    <section className={mergeClasses(styles.root, className)} aria-labelledby={id}>
      <div className={styles.header}>
        <Subtitle2 as="h2" id={id} className={styles.title}>
          {title}
        </Subtitle2>
        {actions}
      </div>
      {children}
    </section>
  );
}
