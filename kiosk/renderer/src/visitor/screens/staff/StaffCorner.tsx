// The staff-only corner: a 3-second press on the bus's name, then the PIN (checked by the kiosk
// server against its scrypt hash, never here), then the kiosk's health. A visitor's taps do
// nothing: a short press is ignored, and a wrong PIN only says so.
import { useState } from 'react';
import { useLongPress } from 'react-aria';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useText } from '../../i18n/i18n.js';

export interface StaffInfo {
  readonly instance: string;
  readonly connected: boolean;
  readonly pending: number;
  /** When the oldest waiting fact was taken (ms), null when none waits. */
  readonly oldestPendingAt: number | null;
  readonly lastSentAt: number | null;
  readonly storeFailing: boolean;
  /** This kiosk's last turn number today, 0 before its first. */
  readonly lastTurnToday: number;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

export function StaffCorner({ info }: { readonly info: () => Promise<StaffInfo> }) {
  const { t } = useText();
  const [open, setOpen] = useState(false);
  const [pin, setPin] = useState('');
  const [wrong, setWrong] = useState(false);
  const [shown, setShown] = useState<StaffInfo | null>(null);
  const { longPressProps } = useLongPress({
    threshold: 3000,
    onLongPress: () => {
      setOpen(true);
    },
  });
  const close = () => {
    setOpen(false);
    setPin('');
    setWrong(false);
    setShown(null);
  };
  const check = async () => {
    const response = await fetch('./staff', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin }),
    }).catch(() => null);
    setPin('');
    if (response?.ok === true) setShown(await info());
    else setWrong(true);
  };
  return (
    <>
      <div {...longPressProps} className="muted" data-testid="staff-corner">
        {t('app.name')}
      </div>
      <ModalOverlay
        isOpen={open}
        onOpenChange={(isOpen) => {
          if (!isOpen) close();
        }}
        className="overlay"
      >
        <Modal>
          <Dialog className="dialog" aria-labelledby="staff-title">
            <Heading slot="title" id="staff-title">
              {t('staff.title')}
            </Heading>
            {shown === null ? (
              <>
                <p aria-live="polite">
                  {t('staff.pin')}: {'•'.repeat(pin.length)}
                </p>
                {wrong ? <p className="notice">{t('staff.wrongPin')}</p> : null}
                <div className="pin-pad">
                  {DIGITS.map((digit) => (
                    <Button
                      key={digit}
                      className="button"
                      aria-label={t('staff.digit', { digit })}
                      onPress={() => {
                        setPin((p) => (p + digit).slice(0, 12));
                      }}
                    >
                      {digit}
                    </Button>
                  ))}
                  <Button
                    className="button"
                    onPress={() => {
                      setPin('');
                    }}
                  >
                    {t('staff.erase')}
                  </Button>
                </div>
                <Button
                  className="button primary"
                  isDisabled={pin.length === 0}
                  onPress={() => void check()}
                >
                  {t('staff.open')}
                </Button>
              </>
            ) : (
              <table className="staff-table">
                <tbody>
                  <tr>
                    <th scope="row">{t('staff.instance')}</th>
                    <td>{shown.instance}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('staff.connection')}</th>
                    <td>{shown.connected ? t('staff.connected') : t('staff.disconnected')}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('staff.pending')}</th>
                    <td data-testid="staff-pending">{shown.pending}</td>
                  </tr>
                  {shown.oldestPendingAt === null ? null : (
                    <tr>
                      <th scope="row">{t('staff.oldest')}</th>
                      <td>
                        {t('staff.minutes', {
                          minutes: Math.floor((Date.now() - shown.oldestPendingAt) / 60_000),
                        })}
                      </td>
                    </tr>
                  )}
                  <tr>
                    <th scope="row">{t('staff.store')}</th>
                    <td data-testid="staff-store">
                      {shown.storeFailing ? t('staff.storeFailing') : t('staff.storeOk')}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">{t('staff.lastSent')}</th>
                    <td>
                      {shown.lastSentAt === null
                        ? t('staff.never')
                        : new Date(shown.lastSentAt).toLocaleTimeString()}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">{t('staff.turns')}</th>
                    <td data-testid="staff-turns">{shown.lastTurnToday}</td>
                  </tr>
                </tbody>
              </table>
            )}
            <Button className="button" onPress={close}>
              {t('staff.close')}
            </Button>
          </Dialog>
        </Modal>
      </ModalOverlay>
    </>
  );
}
