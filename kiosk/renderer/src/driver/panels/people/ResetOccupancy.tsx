// "Reset the count": the driver says how many people are really on board (0 by default), and
// confirms; one cmd/occupancy goes to the bridge, and the count follows.
import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogTrigger,
  Group,
  Heading,
  Input,
  Label,
  Modal,
  ModalOverlay,
  NumberField,
} from 'react-aria-components';
import { Minus, Plus, RotateCcw } from 'lucide-react';
import { useText } from '../../i18n/i18n.js';

/** The most the command takes (docs/protocol.md, cmd/occupancy). */
const MAX_ON_BOARD = 200;

export function ResetOccupancy({
  onBoard,
  connected,
  onReset,
}: {
  readonly onBoard: number | null;
  readonly connected: boolean;
  readonly onReset: (onBoard: number) => Promise<void>;
}) {
  const { t } = useText();
  const [value, setValue] = useState(0);
  const [sending, setSending] = useState(false);
  const [failed, setFailed] = useState(false);
  return (
    <DialogTrigger
      onOpenChange={(open) => {
        if (open) {
          setValue(0);
          setFailed(false);
        }
      }}
    >
      <Button className="button" isDisabled={!connected}>
        <RotateCcw aria-hidden="true" />
        {t('people.reset')}
      </Button>
      <ModalOverlay className="overlay" isDismissable>
        <Modal className="dialog">
          <Dialog>
            {({ close }) => (
              <>
                <Heading slot="title">{t('people.resetTitle')}</Heading>
                {onBoard === null ? null : <p>{t('people.resetNow', { count: onBoard })}</p>}
                <NumberField
                  className="number-field"
                  value={value}
                  onChange={(n) => {
                    setValue(Number.isNaN(n) ? 0 : n);
                  }}
                  minValue={0}
                  maxValue={MAX_ON_BOARD}
                  step={1}
                  autoFocus
                >
                  <Label>{t('people.resetLabel')}</Label>
                  <Group className="stepper">
                    <Button slot="decrement" className="button">
                      <Minus aria-hidden="true" />
                    </Button>
                    <Input className="input" />
                    <Button slot="increment" className="button">
                      <Plus aria-hidden="true" />
                    </Button>
                  </Group>
                </NumberField>
                {failed ? (
                  <p className="level-bad" role="alert">
                    {t('people.resetFailed')}
                  </p>
                ) : null}
                <div className="footer">
                  <Button className="button" onPress={close}>
                    {t('common.cancel')}
                  </Button>
                  <Button
                    className="button primary"
                    isDisabled={sending || !connected}
                    onPress={() => {
                      setSending(true);
                      setFailed(false);
                      onReset(value)
                        .then(close, () => {
                          setFailed(true);
                        })
                        .finally(() => {
                          setSending(false);
                        });
                    }}
                  >
                    {t('people.resetConfirm', { count: value })}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
