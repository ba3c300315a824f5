// Still there? After the idle time, a countdown (at least 20 s) with a big "Continue"; at 0,
// back to the welcome screen with nothing kept.
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useText } from '../../i18n/i18n.js';

export function Countdown({
  secondsLeft,
  onContinue,
}: {
  readonly secondsLeft: number | null;
  readonly onContinue: () => void;
}) {
  const { t } = useText();
  return (
    <ModalOverlay isOpen={secondsLeft !== null} className="overlay" isDismissable={false}>
      <Modal>
        <Dialog className="dialog" role="alertdialog" data-testid="countdown">
          <Heading slot="title">{t('idle.title')}</Heading>
          <p className="seconds" aria-hidden="true">
            {secondsLeft ?? 0}
          </p>
          <p>{t('idle.text', { seconds: secondsLeft ?? 0 })}</p>
          <Button className="button primary" onPress={onContinue} autoFocus>
            {t('idle.continue')}
          </Button>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
