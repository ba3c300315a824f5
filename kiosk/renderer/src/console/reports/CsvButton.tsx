// Downloads a report as the API's own CSV (the same bytes, named as central names it).
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useText } from '../i18n/i18n.js';
import type { Api } from '../session/api.js';

export interface CsvButtonProps {
  readonly api: Api;
  /** The API path of the report as CSV. */
  readonly path: string;
  /** What the file holds, for the button's accessible name. */
  readonly what: string;
}

export function CsvButton({ api, path, what }: CsvButtonProps) {
  const { t } = useText();
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <span className="csv">
      <Button
        className="button download"
        aria-label={t('reports.csvOf', { what })}
        onPress={() => {
          setFailed(null);
          api.download(path).then(
            ({ blob, filename }) => {
              const url = URL.createObjectURL(blob);
              const link = document.createElement('a');
              link.href = url;
              link.download = filename;
              link.click();
              setTimeout(() => {
                URL.revokeObjectURL(url);
              }, 60_000);
            },
            (error: unknown) => {
              setFailed((error as Error).message);
            },
          );
        }}
      >
        {t('reports.csv')}
      </Button>
      <span className="problem" role="alert">
        {failed === null ? '' : t('reports.csvFailed', { error: failed })}
      </span>
    </span>
  );
}
