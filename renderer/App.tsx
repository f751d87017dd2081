import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppEvent } from '../src/contract';
import { call, useApi } from './api';
import { useAppEvent } from './hooks';
import { NAVIGATION, type Route } from './routes';
import { AuditScreen } from './screens/AuditScreen';
import { DeepLinkConsent } from './screens/DeepLinkConsent';
import { DelegationsScreen } from './screens/DelegationsScreen';
import { EventLogScreen } from './screens/EventLogScreen';
import { KeyDetailScreen } from './screens/KeyDetailScreen';
import { KeysScreen } from './screens/KeysScreen';
import { NewKeyScreen } from './screens/NewKeyScreen';
import { ServersScreen } from './screens/ServersScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { applyTheme } from './theme';

function Screen({
  route,
  navigate,
}: {
  route: Route;
  navigate: (route: Route) => void;
}) {
  switch (route.screen) {
    case 'keys':
      return <KeysScreen navigate={navigate} notice={route.notice} />;
    case 'key':
      return (
        <KeyDetailScreen
          keyId={route.keyId}
          navigate={navigate}
          notices={route.notices}
        />
      );
    case 'new-key':
      return <NewKeyScreen serverId={route.serverId} navigate={navigate} />;
    case 'servers':
      return <ServersScreen navigate={navigate} />;
    case 'audit':
      return <AuditScreen navigate={navigate} />;
    case 'log':
      return <EventLogScreen />;
    case 'delegations':
      return <DelegationsScreen />;
    case 'settings':
      return <SettingsScreen />;
  }
}

/** The app: navigation, the current screen, and deep-link consent on top. */
export function App({ initialRoute }: { initialRoute?: Route }) {
  const api = useApi();
  const [route, setRoute] = useState<Route>(initialRoute ?? { screen: 'keys' });
  const [deepLinkNotice, setDeepLinkNotice] = useState(0);

  useEffect(() => {
    call(api, 'getSettings', {}).then(
      (settings) => applyTheme(settings.theme),
      () => applyTheme('system'),
    );
  }, [api]);

  useAppEvent(
    useCallback((event: AppEvent) => {
      if (event.type === 'deepLink') setDeepLinkNotice((n) => n + 1);
    }, []),
  );

  const content = useRef<HTMLElement>(null);
  const navigate = useCallback((next: Route) => {
    setRoute(next);
    // Only the content scrolls; a new screen starts at its top.
    content.current?.scrollTo?.(0, 0);
  }, []);
  const current = route.screen === 'key' ? 'keys' : route.screen;

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="sidebar">
        <p className="brand">BTCPay Key Manager</p>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.screen}>
                <button
                  type="button"
                  className="nav-item"
                  aria-current={current === item.screen ? 'page' : undefined}
                  onClick={() => navigate({ screen: item.screen } as Route)}
                >
                  {item.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="content" tabIndex={-1} ref={content}>
        <Screen route={route} navigate={navigate} />
      </main>
      <DeepLinkConsent refreshToken={deepLinkNotice} navigate={navigate} />
    </div>
  );
}
