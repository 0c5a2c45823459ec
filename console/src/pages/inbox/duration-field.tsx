import { useId } from 'react';
import { formatDuration } from '../../ui/time.tsx';
import type { DurationInput } from './duration.ts';

/** How long the grant lasts, in hours and minutes; the problem shows under it, tied to both inputs. */
export function DurationField({
  value,
  onChange,
  requestedSeconds,
  problem,
}: {
  value: DurationInput;
  onChange: (value: DurationInput) => void;
  requestedSeconds: number;
  problem: string | null;
}) {
  const id = useId();
  const described = `${id}-hint${problem ? ` ${id}-error` : ''}`;
  return (
    <fieldset className="duration-field">
      <legend>Grant it for</legend>
      <div className="row">
        <label className="duration-part">
          <input
            type="number"
            inputMode="numeric"
            name="hours"
            min={0}
            max={8760}
            step={1}
            value={value.hours}
            aria-invalid={problem ? true : undefined}
            aria-describedby={described}
            onChange={(event) => onChange({ ...value, hours: event.target.value })}
          />
          <span>hours</span>
        </label>
        <label className="duration-part">
          <input
            type="number"
            inputMode="numeric"
            name="minutes"
            min={0}
            max={59}
            step={1}
            value={value.minutes}
            aria-invalid={problem ? true : undefined}
            aria-describedby={described}
            onChange={(event) => onChange({ ...value, minutes: event.target.value })}
          />
          <span>minutes</span>
        </label>
      </div>
      <p id={`${id}-hint`} className="field-hint">
        The agent asked for {formatDuration(requestedSeconds)}. The rule may shorten it to its maximum.
      </p>
      {problem ? (
        <p id={`${id}-error`} className="field-error">
          {problem}
        </p>
      ) : null}
    </fieldset>
  );
}
