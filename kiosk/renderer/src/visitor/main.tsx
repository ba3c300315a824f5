// The kiosk screen's entry: settings, texts, the local store, the broker link, then the app.
// First, before anything loads @fsbus/shared's schemas:
import '../no-eval.js';
import { I18nProvider } from '@lingui/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../theme/theme.css';
import { App } from './app/App.js';
import { loadSettings } from './app/settings.js';
import { Facts } from './delivery/facts.js';
import { Link } from './delivery/link.js';
import { KioskStore } from './delivery/store.js';
import { i18n, startI18n } from './i18n/i18n.js';

const startedAt = Date.now();
const settings = await loadSettings();
startI18n(settings.languages[0]);
// Opened on first use, and again after a failure (facts are kept in memory meanwhile).
const store = new KioskStore();
const link = new Link({
  store,
  busId: settings.busId,
  instance: settings.instance,
  brokerUrl: settings.brokerUrl,
  password: settings.password,
  version: settings.version,
  startedAt,
});
const facts = new Facts({
  store,
  busId: settings.busId,
  instance: settings.instance,
  series: settings.series,
  localPartners: settings.localPartners,
  timeZone: () => link.state.plan?.timeZone ?? 'Europe/Paris',
  queue: () => link.state.queue,
  onStored: (ok) => {
    link.stored(ok);
  },
  keepInMemory: (fact) => {
    link.keepInMemory(fact);
  },
  startedAt,
});

const root = document.getElementById('root');
if (root === null) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <I18nProvider i18n={i18n}>
      <App settings={settings} link={link} facts={facts} />
    </I18nProvider>
  </StrictMode>,
);
