// Why are you here? The partner grid from the catalogue (several allowed, "Other / I don't
// know" always there), the optional "first visit?", and confirm.
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
import { useText } from '../../i18n/i18n.js';
import type { Language, Partner, PartnerCode } from '@fsbus/shared';
import { Pictogram, UI } from '../../app/icons.js';
import { Screen } from '../common/Layout.js';

export interface WhyProps {
  readonly catalogue: readonly Partner[];
  readonly language: Language;
  readonly partners: readonly PartnerCode[];
  readonly firstVisit: boolean | null;
  readonly onPartners: (partners: readonly PartnerCode[]) => void;
  readonly onFirstVisit: (value: boolean | null) => void;
  readonly onBack: () => void;
  readonly onConfirm: () => void;
}

export function Why(props: WhyProps) {
  const { t } = useText();
  const Back = UI.back;
  const Check = UI.check;
  const none = props.partners.length === 0;
  return (
    <Screen title={t('why.title')}>
      <CheckboxGroup
        value={[...props.partners]}
        onChange={(value) => {
          props.onPartners(value);
        }}
        aria-describedby="why-hint"
      >
        <Label className="visually-hidden">{t('why.partners')}</Label>
        <p id="why-hint" className="lead">
          {t('why.hint')}
        </p>
        <div className="tiles">
          {props.catalogue.map((partner) => (
            <CheckboxField key={partner.code} value={partner.code} className="tile-field">
              <CheckboxButton className="tile">
                {({ isSelected }) => (
                  <>
                    <Pictogram name={partner.icon} />
                    <span>{partner.label[props.language]}</span>
                    <span className="check" aria-hidden="true">
                      {isSelected ? <Check /> : null}
                    </span>
                  </>
                )}
              </CheckboxButton>
            </CheckboxField>
          ))}
        </div>
      </CheckboxGroup>
      <p aria-live="polite" className="muted">
        {t('why.selected', { count: props.partners.length })}
      </p>
      <RadioGroup
        value={props.firstVisit === null ? null : String(props.firstVisit)}
        onChange={(value) => {
          props.onFirstVisit(value === 'true');
        }}
        className="choice-row"
        orientation="horizontal"
      >
        <Label>{t('why.firstVisit')}</Label>
        <RadioField value="true">
          <RadioButton className="radio">{t('why.yes')}</RadioButton>
        </RadioField>
        <RadioField value="false">
          <RadioButton className="radio">{t('why.no')}</RadioButton>
        </RadioField>
      </RadioGroup>
      <div className="footer">
        <Button className="button" onPress={props.onBack}>
          <Back aria-hidden="true" className="flip" />
          {t('common.back')}
        </Button>
        <div className="choice-row">
          {none ? (
            <p className="notice" id="why-pick-one">
              {t('why.pickOne')}
            </p>
          ) : null}
          <Button
            className="button primary"
            isDisabled={none}
            onPress={props.onConfirm}
            {...(none ? { 'aria-describedby': 'why-pick-one' } : {})}
          >
            <Check aria-hidden="true" />
            {t('why.confirm')}
          </Button>
        </div>
      </div>
    </Screen>
  );
}
