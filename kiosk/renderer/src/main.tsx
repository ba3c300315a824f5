// The kiosk screen's entry: settings, texts, the local store, the broker link, then the app.
// First, before anything loads @fsbus/shared's schemas:
import './no-eval.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './theme/theme.css';
import { App, today } from './app/App.js';
import { loadSettings } from './app/settings.js';
import { Facts } from './delivery/facts.js';
import { Link } from './delivery/link.js';
import { openStore } from './delivery/store.js';
import { setLanguage, startI18n } from './i18n/i18n.js';

const settings = await loadSettings();
await startI18n(settings.languages[0]);
await setLanguage(settings.languages[0]);
const store = await openStore();
const link = new Link({
  store,
  busId: settings.busId,
  instance: settings.instance,
  brokerUrl: settings.brokerUrl,
  password: settings.password,
  version: settings.version,
});
const facts = new Facts({
  store,
  busId: settings.busId,
  instance: settings.instance,
  series: settings.series,
  localPartners: settings.localPartners,
  timeZone: () => link.state.plan?.timeZone ?? 'Europe/Paris',
  queue: () => link.state.queue,
});
/** This kiosk's turns issued today, read when the staff corner asks. */
const turnsToday = async () =>
  (await store.get('counters', `turn:${today(link.state.plan?.timeZone)}`)) ?? 0;

const root = document.getElementById('root');
if (root === null) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <App settings={settings} link={link} facts={facts} turnsToday={turnsToday} />
  </StrictMode>,
);
