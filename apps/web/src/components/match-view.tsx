import type { Match } from "../api";
import { formatDate, percent } from "../copy";

const DIMENSIONS: Record<string, string> = {
  underground: "Underground",
  acclaim: "Acclaim",
  mainstream: "Mainstream",
  loyalty: "Loyalty",
  diversity: "Diversity",
  era: "Era",
};

function valueText(dimension: string, value: number): string {
  return dimension === "era" ? String(Math.round(value)) : percent(value);
}

/** One match: the pair's label as the page heading, the compatibility, the joint verdict and the facts. */
export function MatchView(props: { match: Match; children?: React.ReactNode }) {
  const { match } = props;
  const them = match.them.displayName ?? "your friend";
  const difference = match.biggestDifference;
  return (
    <article className="verdict match">
      <header className="verdict-header">
        <p className="eyebrow">
          You and {them} · {formatDate(match.createdAt)} · {match.tone}
        </p>
        <h1 className="verdict-label">{match.label}</h1>
        <p className="compatibility">
          <span className="compatibility-score">{percent(match.compatibility)}</span> compatible
        </p>
        <p className="roast">{match.description}</p>
      </header>
      <div className="verdict-grid">
        <section className="card" aria-labelledby="pair-heading">
          <h2 id="pair-heading">The two verdicts</h2>
          <dl className="numbers">
            <div>
              <dt>You</dt>
              <dd>{match.you.label}</dd>
            </div>
            <div>
              <dt>{match.them.displayName ?? "Them"}</dt>
              <dd>{match.them.label}</dd>
            </div>
          </dl>
        </section>
        {props.children}
        <section className="card" aria-labelledby="shared-artists-heading">
          <h2 id="shared-artists-heading">Shared artists</h2>
          {match.sharedArtists.length > 0 ? (
            <ul className="shared">
              {match.sharedArtists.map((name) => (
                <li key={name}>{name}</li>
              ))}
            </ul>
          ) : (
            <p className="note">No artist on both top lists.</p>
          )}
        </section>
        <section className="card" aria-labelledby="shared-genres-heading">
          <h2 id="shared-genres-heading">Shared genres</h2>
          {match.sharedGenres.length > 0 ? (
            <ul className="shared">
              {match.sharedGenres.map((genre) => (
                <li key={genre}>{genre}</li>
              ))}
            </ul>
          ) : (
            <p className="note">No genre in common.</p>
          )}
        </section>
        <section className="card" aria-labelledby="difference-heading">
          <h2 id="difference-heading">Biggest difference</h2>
          {difference ? (
            <p>
              {DIMENSIONS[difference.dimension] ?? difference.dimension}: you{" "}
              {valueText(difference.dimension, difference.you)}, {them}{" "}
              {valueText(difference.dimension, difference.them)}
            </p>
          ) : (
            <p className="note">Too little in common to compare.</p>
          )}
        </section>
      </div>
    </article>
  );
}
