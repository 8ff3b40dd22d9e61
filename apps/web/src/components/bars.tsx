import { percent } from "../copy";

/** Horizontal bars for shares (genres, decades): a list a screen reader reads as text. */
export function Bars(props: { items: readonly { label: string; share: number }[]; label: string }) {
  const max = Math.max(...props.items.map((item) => item.share), 0.0001);
  return (
    <ul className="bars" aria-label={props.label}>
      {props.items.map((item) => (
        <li key={item.label} className="bar">
          <span className="bar-label">{item.label}</span>
          <span className="bar-track" aria-hidden="true">
            <svg viewBox="0 0 100 8" preserveAspectRatio="none" className="bar-svg" aria-hidden="true">
              <rect x={0} y={0} width={(item.share / max) * 100} height={8} rx={2} className="bar-fill" />
            </svg>
          </span>
          <span className="bar-value">{percent(item.share)}</span>
        </li>
      ))}
    </ul>
  );
}
