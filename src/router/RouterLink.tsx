import { Link } from '@fluentui/react-components';
import type { MouseEvent, ReactNode } from 'react';
import { useRouter } from './Router.js';

export interface RouterLinkProps {
  href: string;
  children: ReactNode;
  className?: string;
  appearance?: 'default' | 'subtle';
}

/** A Fluent Link that navigates inside the tab, keeping ctrl/cmd-click for a new window. */
export function RouterLink({ href, children, className, appearance }: RouterLinkProps) {
  const { navigate } = useRouter();
  const onClick = (event: MouseEvent<HTMLElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <Link href={href} onClick={onClick} className={className} appearance={appearance}>
      {children}
    </Link>
  );
}
