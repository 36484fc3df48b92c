/**
 * A wide table's frame: on a narrow screen the table scrolls sideways inside its card instead of
 * widening the page. The frame takes keyboard focus and has a name, so it can be scrolled without a
 * mouse and a screen reader says what it holds (WCAG: scrollable regions must be reachable).
 */
import type { ReactNode } from 'react';

export function ScrollArea({ label, children, className = '' }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={`overflow-x-auto ${className}`} tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
