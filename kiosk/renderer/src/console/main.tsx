// The staff console's entry: texts, the tab's session if any, then the app.
// First, before anything loads @fsbus/shared's schemas:
import '../no-eval.js';
import { I18nProvider } from '@lingui/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../theme/theme.css';
import './theme/console.css';
import { ConsoleApp } from './app/ConsoleApp.js';
import { savedLanguage } from './app/language.js';
import { i18n, startI18n } from './i18n/i18n.js';
import { SessionStore } from './session/session.js';

startI18n(savedLanguage());
const sessions = new SessionStore();
sessions.resume();

const root = document.getElementById('root');
if (root === null) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <I18nProvider i18n={i18n}>
      <ConsoleApp sessions={sessions} />
    </I18nProvider>
  </StrictMode>,
);
