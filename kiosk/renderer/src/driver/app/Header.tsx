// The top of the display: the bus, the time, and the driver's own switches (language, day or
// night theme).
import { Button, ToggleButton } from 'react-aria-components';
import { Moon, Sun } from 'lucide-react';
import { LANGUAGES, type Language } from '@fsbus/shared';
import { useText } from '../i18n/i18n.js';
import type { Theme } from './preferences.js';

export interface HeaderProps {
  readonly busId: string;
  readonly time: string;
  readonly languages: readonly Language[];
  readonly language: Language;
  readonly theme: Theme;
  readonly onLanguage: (language: Language) => void;
  readonly onTheme: (theme: Theme) => void;
}

export function Header({
  busId,
  time,
  languages,
  language,
  theme,
  onLanguage,
  onTheme,
}: HeaderProps) {
  const { t } = useText();
  return (
    <header className="driver-header">
      <h1>{t('app.title', { bus: busId })}</h1>
      <p className="clock" aria-label={t('app.time', { time })}>
        {time}
      </p>
      <div className="switches">
        <div role="group" aria-label={t('app.language')} className="languages">
          {languages.map((code) => (
            <Button
              key={code}
              className="button small"
              aria-pressed={code === language}
              lang={code}
              onPress={() => {
                onLanguage(code);
              }}
            >
              {LANGUAGES[code].name}
            </Button>
          ))}
        </div>
        <ToggleButton
          className="button small"
          isSelected={theme === 'night'}
          onChange={(night) => {
            onTheme(night ? 'night' : 'day');
          }}
        >
          {theme === 'night' ? <Moon aria-hidden="true" /> : <Sun aria-hidden="true" />}
          {t('app.night')}
        </ToggleButton>
      </div>
    </header>
  );
}
