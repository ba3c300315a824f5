// The staff console: the login until a session holds, then the header, the menu and the screen
// of the address (wouter: each screen has its own path, so a link can be shared or reloaded).
import { lazy, Suspense, useState, useSyncExternalStore } from 'react';
import { I18nProvider as AriaI18nProvider } from 'react-aria-components';
import { Link, Route, Switch, useLocation } from 'wouter';
import type { Language } from '@fsbus/shared';
import { BusDayScreen } from '../day/BusDayScreen.js';
import { FleetScreen } from '../fleet/FleetScreen.js';
import { PlansScreen } from '../plans/PlansScreen.js';
import { setLanguage, useText } from '../i18n/i18n.js';
import { LoginScreen } from '../session/LoginScreen.js';
import type { SessionStore } from '../session/session.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { Header } from './Header.js';
import { saveLanguage, savedLanguage } from './language.js';

// The reports (and their charts library) load when first opened.
const ReportsScreen = lazy(() => import('../reports/ReportsScreen.js'));
const MonthlyPage = lazy(() => import('../reports/MonthlyPage.js'));

export function ConsoleApp({ sessions }: { readonly sessions: SessionStore }) {
  const state = useSyncExternalStore(sessions.subscribe, () => sessions.state);
  const [location] = useLocation();
  const [language, choose] = useState<Language>(savedLanguage);
  const { t } = useText();
  const pick = (next: Language) => {
    choose(next);
    saveLanguage(next);
    setLanguage(next);
  };
  return (
    <AriaI18nProvider locale={language}>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      {state.kind === 'out' ? (
        <LoginScreen
          ended={state.ended}
          language={language}
          onLanguage={pick}
          onSession={(session) => {
            sessions.begin(session);
          }}
        />
      ) : (
        <div className="console">
          <Header
            session={state.session}
            language={language}
            onLanguage={pick}
            onLogOut={() => {
              void sessions.logOut();
            }}
          />
          <Navigation />
          <main id="main" tabIndex={-1}>
            <ErrorBoundary key={location}>
              <Switch>
                <Route path="/buses/:busId/days/:date">
                  {(params) => (
                    <BusDayScreen
                      session={state.session}
                      api={state.api}
                      language={language}
                      busId={decodeURIComponent(params.busId)}
                      date={params.date}
                    />
                  )}
                </Route>
                <Route path="/reports/monthly/:busId/:month">
                  {(params) => (
                    <Suspense fallback={<p role="status">{t('reports.loading')}</p>}>
                      <MonthlyPage
                        api={state.api}
                        language={language}
                        busId={decodeURIComponent(params.busId)}
                        month={params.month}
                      />
                    </Suspense>
                  )}
                </Route>
                <Route path="/reports">
                  <Suspense fallback={<p role="status">{t('reports.loading')}</p>}>
                    <ReportsScreen api={state.api} language={language} />
                  </Suspense>
                </Route>
                <Route path="/plans">
                  <PlansScreen session={state.session} api={state.api} language={language} />
                </Route>
                <Route path="/day">
                  <BusDayScreen
                    session={state.session}
                    api={state.api}
                    language={language}
                    busId={null}
                    date={null}
                  />
                </Route>
                <Route>
                  <FleetScreen session={state.session} api={state.api} language={language} />
                </Route>
              </Switch>
            </ErrorBoundary>
          </main>
        </div>
      )}
    </AriaI18nProvider>
  );
}

/** The menu: each screen, the current one marked for assistive technology too. */
function Navigation() {
  const { t } = useText();
  const [location] = useLocation();
  const screens = [
    { href: '/', label: t('app.nav.fleet'), current: location === '/' },
    {
      href: '/day',
      label: t('app.nav.day'),
      current: location === '/day' || location.startsWith('/buses/'),
    },
    { href: '/reports', label: t('app.nav.reports'), current: location.startsWith('/reports') },
    { href: '/plans', label: t('app.nav.plans'), current: location.startsWith('/plans') },
  ];
  return (
    <nav className="console-nav" aria-label={t('app.nav')}>
      {screens.map((screen) => (
        <Link
          key={screen.href}
          href={screen.href}
          className={screen.current ? 'active' : ''}
          aria-current={screen.current ? 'page' : undefined}
        >
          {screen.label}
        </Link>
      ))}
    </nav>
  );
}
