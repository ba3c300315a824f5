// Give your opinion: four faces with words (no neutral middle), then optional predefined
// reasons, then thanks.
import { Button, CheckboxButton, CheckboxField, CheckboxGroup, Label } from 'react-aria-components';
import { useText } from '../../i18n/i18n.js';
import { OPINION_REASONS, type Language, type ReasonCode } from '@fsbus/shared';
import { Pictogram, UI } from '../../app/icons.js';
import { Screen } from '../common/Layout.js';

export type Rating = 1 | 2 | 3 | 4;
const RATINGS: readonly Rating[] = [1, 2, 3, 4];

export function Faces({
  onRate,
  onBack,
}: {
  readonly onRate: (rating: Rating) => void;
  readonly onBack: () => void;
}) {
  const { t } = useText();
  const Back = UI.back;
  return (
    <Screen title={t('opinion.title')}>
      <p className="lead">{t('opinion.hint')}</p>
      <div className="faces">
        {RATINGS.map((rating) => {
          const Face = UI.faces[rating - 1];
          return (
            <Button
              key={rating}
              className={`face face-${String(rating)}`}
              onPress={() => {
                onRate(rating);
              }}
            >
              {Face ? <Face aria-hidden="true" /> : null}
              {t(`opinion.rating.${rating}` as const)}
            </Button>
          );
        })}
      </div>
      <div className="footer">
        <Button className="button" onPress={onBack}>
          <Back aria-hidden="true" className="flip" />
          {t('common.back')}
        </Button>
      </div>
    </Screen>
  );
}

export function Reasons({
  rating,
  language,
  reasons,
  onReasons,
  onSend,
}: {
  readonly rating: Rating;
  readonly language: Language;
  readonly reasons: readonly ReasonCode[];
  readonly onReasons: (reasons: readonly ReasonCode[]) => void;
  readonly onSend: () => void;
}) {
  const { t } = useText();
  const Check = UI.check;
  const tone = rating >= 3 ? 'positive' : 'negative';
  return (
    <Screen title={t('opinion.reasonsTitle')}>
      <CheckboxGroup
        value={[...reasons]}
        onChange={(value) => {
          onReasons(value as ReasonCode[]);
        }}
      >
        <Label className="visually-hidden">{t('opinion.reasons')}</Label>
        <div className="tiles">
          {OPINION_REASONS.filter((r) => r.tone === tone).map((reason) => (
            <CheckboxField key={reason.code} value={reason.code} className="tile-field">
              <CheckboxButton className="tile">
                {({ isSelected }) => (
                  <>
                    <Pictogram name={reason.icon} />
                    <span>{reason.label[language]}</span>
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
      <div className="footer">
        <span />
        <Button className="button primary" onPress={onSend}>
          <Check aria-hidden="true" />
          {t('opinion.send')}
        </Button>
      </div>
    </Screen>
  );
}

export function Thanks({ onHome }: { readonly onHome: () => void }) {
  const { t } = useText();
  return (
    <Screen title={t('thanks.title')}>
      <p className="lead">{t('thanks.text')}</p>
      <div className="footer">
        <span />
        <Button className="button primary" onPress={onHome}>
          {t('common.home')}
        </Button>
      </div>
    </Screen>
  );
}
