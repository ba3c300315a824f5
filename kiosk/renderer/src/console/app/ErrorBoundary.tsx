// A screen that fails while drawing says so in its place; the menu stays, and opening another
// screen starts afresh (the boundary is keyed by the address).
import { Component, type ReactNode } from 'react';
import { useText } from '../i18n/i18n.js';

interface State {
  readonly error: Error | null;
}

export class ErrorBoundary extends Component<{ readonly children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override render() {
    return this.state.error === null ? this.props.children : <Failure error={this.state.error} />;
  }
}

function Failure({ error }: { readonly error: Error }) {
  const { t } = useText();
  return (
    <p className="problem" role="alert">
      {t('app.failed', { error: error.message })}
    </p>
  );
}
