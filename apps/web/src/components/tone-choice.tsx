import { useId } from "react";
import type { Tone } from "../api";
import { TONES } from "../copy";

/** The voice of the next verdict: a radio group named "Tone". */
export function ToneChoice(props: { value: Tone; onChange: (tone: Tone) => void }) {
  const labelId = useId();
  const name = useId();
  return (
    <div className="tones">
      <span id={labelId} className="tones-label">
        Tone
      </span>
      <div role="radiogroup" aria-labelledby={labelId} className="tones-options">
        {TONES.map((tone) => (
          <label key={tone.value} className="tone">
            <input
              type="radio"
              name={name}
              value={tone.value}
              checked={props.value === tone.value}
              onChange={() => props.onChange(tone.value)}
            />
            <span>{tone.label}</span>
          </label>
        ))}
      </div>
    </div>
  );
}
