// The login: a staff or planner account's name and password, checked by central, which answers
// with a session; each refusal said in words, at the form.
import { useState, type SyntheticEvent } from 'react';
import { Button, FieldError, Form, Input, Label, TextField } from 'react-aria-components';
import type { Language, SessionResponse } from '@fsbus/shared';
import { LanguagePicker } from '../app/Header.js';
import { useText, type MessageKey } from '../i18n/i18n.js';
import { ApiError, logIn } from './api.js';

export interface LoginScreenProps {
  /** The previous session ended (expired or closed by central). */
  readonly ended: boolean;
  readonly language: Language;
  readonly onLanguage: (language: Language) => void;
  readonly onSession: (session: SessionResponse) => void;
}

function refusal(error: unknown): MessageKey {
  if (!(error instanceof ApiError)) return 'login.unavailable';
  if (error.status === 401) return 'login.wrong';
  if (error.status === 403) return 'login.refused';
  return 'login.unavailable';
}

export function LoginScreen({ ended, language, onLanguage, onSession }: LoginScreenProps) {
  const { t } = useText();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<MessageKey | null>(ended ? 'login.ended' : null);

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    logIn(username.trim(), password).then(
      (session) => {
        setPassword('');
        onSession(session);
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(refusal(error));
      },
    );
  };

  return (
    <main id="main" className="login" tabIndex={-1}>
      <div className="login-box">
        <LanguagePicker language={language} onLanguage={onLanguage} />
        <h1>{t('login.title')}</h1>
        <p>{t('login.intro')}</p>
        <Form onSubmit={submit} validationBehavior="aria">
          <TextField
            name="username"
            autoComplete="username"
            isRequired
            value={username}
            onChange={setUsername}
            className="field"
          >
            <Label>{t('login.username')}</Label>
            <Input />
            <FieldError />
          </TextField>
          <TextField
            name="password"
            type="password"
            autoComplete="current-password"
            isRequired
            value={password}
            onChange={setPassword}
            className="field"
          >
            <Label>{t('login.password')}</Label>
            <Input />
            <FieldError />
          </TextField>
          <p className="problem" role="alert">
            {problem === null ? '' : t(problem)}
          </p>
          <Button type="submit" className="button primary" isDisabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </Button>
        </Form>
      </div>
    </main>
  );
}
