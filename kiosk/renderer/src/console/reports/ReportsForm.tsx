// The report's period (a month or a day) and buses (none ticked: the whole fleet).
import { useState } from 'react';
import {
  Button,
  CheckboxButton,
  CheckboxField,
  CheckboxGroup,
  Label,
  RadioButton,
  RadioField,
  RadioGroup,
} from 'react-aria-components';
import { useText } from '../i18n/i18n.js';

export interface ReportsFormProps {
  readonly period: string;
  readonly buses: readonly string[];
  readonly fleet: readonly string[];
  readonly onChange: (choice: { period: string; buses: string[] }) => void;
}

export function ReportsForm({ period, buses, fleet, onChange }: ReportsFormProps) {
  const { t } = useText();
  const [kind, setKind] = useState<'month' | 'day'>(period.length === 7 ? 'month' : 'day');
  const [month, setMonth] = useState(period.slice(0, 7));
  const [day, setDay] = useState(period.length === 10 ? period : `${period}-01`);
  const [chosen, setChosen] = useState<string[]>([...buses]);
  return (
    <form
      className="pick-form reports-form"
      onSubmit={(event) => {
        event.preventDefault();
        const value = kind === 'month' ? month : day;
        if (/^\d{4}-\d{2}(-\d{2})?$/.test(value)) onChange({ period: value, buses: chosen });
      }}
    >
      <RadioGroup
        className="choice"
        value={kind}
        onChange={(value) => {
          setKind(value === 'day' ? 'day' : 'month');
        }}
      >
        <Label>{t('reports.kind')}</Label>
        <RadioField value="month">
          <RadioButton className="option radio-option">{t('reports.kind.month')}</RadioButton>
        </RadioField>
        <RadioField value="day">
          <RadioButton className="option radio-option">{t('reports.kind.day')}</RadioButton>
        </RadioField>
      </RadioGroup>
      {kind === 'month' ? (
        <label className="field">
          <span>{t('reports.month')}</span>
          <input
            type="month"
            value={month}
            required
            onChange={(event) => {
              setMonth(event.target.value);
            }}
          />
        </label>
      ) : (
        <label className="field">
          <span>{t('reports.day')}</span>
          <input
            type="date"
            value={day}
            required
            onChange={(event) => {
              setDay(event.target.value);
            }}
          />
        </label>
      )}
      <CheckboxGroup className="bus-choice" value={chosen} onChange={setChosen}>
        <Label>{t('reports.buses')}</Label>
        <div className="bus-list">
          {fleet.map((bus) => (
            <CheckboxField key={bus} value={bus}>
              <CheckboxButton className="option checkbox-option">
                <span className="box" aria-hidden="true" />
                {bus}
              </CheckboxButton>
            </CheckboxField>
          ))}
        </div>
      </CheckboxGroup>
      <Button type="submit" className="button primary">
        {t('reports.show')}
      </Button>
    </form>
  );
}
