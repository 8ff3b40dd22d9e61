import type { Standings } from "../api";
import { percent } from "../copy";

const LINES = [
  ["underground", "More underground than"],
  ["acclaim", "More acclaimed taste than"],
  ["loyalty", "More loyal than"],
  ["diversity", "More diverse than"],
] as const;

/**
 * Where a verdict stands among this deployment's listeners. The server sends standings only once enough
 * listeners exist (MIN_STANDINGS_LISTENERS); below that there is nothing to show, so nothing is drawn.
 */
export function StandingsView(props: { standings: Standings | null }) {
  const { standings } = props;
  if (!standings) return null;
  const known = LINES.filter(([metric]) => standings[metric] !== null);
  return (
    <section className="card" aria-labelledby="standings-heading">
      <h2 id="standings-heading">Among listeners here</h2>
      {known.length > 0 ? (
        <ul className="standings">
          {known.map(([metric, text]) => (
            <li key={metric}>
              {text} {percent(standings[metric] ?? 0)} of listeners here
            </li>
          ))}
        </ul>
      ) : (
        <p className="note">This verdict has none of the numbers standings compare.</p>
      )}
      <p className="muted">
        Compared with the latest verdicts of {standings.listeners} listeners of this site. No one else's
        numbers are shown.
      </p>
    </section>
  );
}
