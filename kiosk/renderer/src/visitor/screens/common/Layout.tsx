// What every screen shares: its heading (focused when the screen appears, so a screen reader
// and the keyboard start there) and the discreet offline mark.
import { useEffect, useRef, type ReactNode } from 'react';
import { useText } from '../../i18n/i18n.js';
import { UI } from '../../app/icons.js';

export function Screen({
  title,
  children,
  headerExtra,
}: {
  readonly title: string;
  readonly children: ReactNode;
  readonly headerExtra?: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <main className="screen">
      <header className="screen-header">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {headerExtra}
      </header>
      {children}
    </main>
  );
}

export function OfflineMark({ connected }: { readonly connected: boolean }) {
  const { t } = useText();
  if (connected) return null;
  const Icon = UI.offline;
  return (
    <div className="offline-mark" data-testid="offline">
      <Icon aria-hidden="true" />
      <span>{t('app.offline')}</span>
    </div>
  );
}
