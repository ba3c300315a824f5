// The console's header: its name, who is logged in, the language and the logout.
import { Button } from 'react-aria-components';
import { LANGUAGES, LANGUAGE_CODES, type Language, type SessionResponse } from '@fsbus/shared';
import { useText } from '../i18n/i18n.js';

export interface HeaderProps {
  readonly session: SessionResponse;
  readonly language: Language;
  readonly onLanguage: (language: Language) => void;
  readonly onLogOut: () => void;
}

export function Header({ session, language, onLanguage, onLogOut }: HeaderProps) {
  const { t } = useText();
  return (
    <header className="console-header">
      <h1>{t('app.title')}</h1>
      <p className="who">
        {t('app.user', { user: session.username, role: t(`app.role.${session.role}`) })}
      </p>
      <LanguagePicker language={language} onLanguage={onLanguage} />
      <Button className="button" onPress={onLogOut}>
        {t('app.logout')}
      </Button>
    </header>
  );
}

/** The language, as a native select: each language named in itself. */
export function LanguagePicker({
  language,
  onLanguage,
}: Pick<HeaderProps, 'language' | 'onLanguage'>) {
  const { t } = useText();
  return (
    <label className="language">
      <span>{t('app.language')}</span>
      <select
        value={language}
        onChange={(event) => {
          onLanguage(event.target.value as Language);
        }}
      >
        {LANGUAGE_CODES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGES[code].name}
          </option>
        ))}
      </select>
    </label>
  );
}
