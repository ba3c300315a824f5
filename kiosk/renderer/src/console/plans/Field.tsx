// One text field of the plan editor: its label, its value as typed, and the schema's word on
// it, shown under the field and tied to it for screen readers.
import { FieldError, Input, Label, TextField } from 'react-aria-components';

export interface FieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly problem?: string | undefined;
  readonly type?: 'text' | 'time';
  readonly inputMode?: 'decimal' | 'numeric';
  readonly isReadOnly?: boolean;
  readonly className?: string;
}

export function Field({
  label,
  value,
  onChange,
  problem,
  type = 'text',
  inputMode,
  isReadOnly = false,
  className = '',
}: FieldProps) {
  return (
    <TextField
      className={`field ${className}`}
      value={value}
      onChange={onChange}
      isInvalid={problem !== undefined}
      isReadOnly={isReadOnly}
      validationBehavior="aria"
      type={type}
      {...(inputMode ? { inputMode } : {})}
    >
      <Label>{label}</Label>
      <Input />
      <FieldError>{problem}</FieldError>
    </TextField>
  );
}
