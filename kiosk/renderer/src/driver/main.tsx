// The driver display's entry: settings, texts, the broker link, then the app.
// First, before anything loads @fsbus/shared's schemas:
import '../no-eval.js';
import { I18nProvider } from '@lingui/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../theme/theme.css';
import './theme/driver.css';
import { DriverApp } from './app/DriverApp.js';
import { loadSettings } from './app/settings.js';
import { DriverLink } from './delivery/link.js';
import { i18n, startI18n } from './i18n/i18n.js';

const startedAt = Date.now();
const settings = await loadSettings();
startI18n(settings.languages[0]);
const link = new DriverLink({
  busId: settings.busId,
  username: settings.username,
  brokerUrl: settings.brokerUrl,
  password: settings.password,
  version: settings.version,
  startedAt,
});

const root = document.getElementById('root');
if (root === null) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <I18nProvider i18n={i18n}>
      <DriverApp settings={settings} link={link} />
    </I18nProvider>
  </StrictMode>,
);
