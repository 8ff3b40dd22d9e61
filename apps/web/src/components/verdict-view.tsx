import type { ReactNode } from "react";
import type { AnalysisResult } from "../api";
import { formatDate, METRIC_NAMES, percent } from "../copy";
import { Bars } from "./bars";
import { QuadrantChart } from "./quadrant-chart";

/**
 * One verdict: the label as the page heading, the roast, the scores on the quadrant chart, and the
 * evidence. Metrics Spotify withheld are named, never drawn as zero; an account with too little
 * listening gets its verdict and no dot on the chart.
 */
export function VerdictView(props: { result: AnalysisResult; children?: ReactNode }) {
  const { result } = props;
  const { profile } = result;
  const withheld = profile.unavailableMetrics.map((metric) => METRIC_NAMES[metric] ?? metric);
  const scored = result.criticalAcclaim !== null && result.mainstream !== null;
  return (
    <article className="verdict">
      <header className="verdict-header">
        <p className="eyebrow">
          Your verdict · {formatDate(result.analyzedAt)} · {result.tone}
        </p>
        <h1 className="verdict-label">{result.label}</h1>
        <p className="roast">{result.description}</p>
      </header>

      <div className="verdict-grid">
        <section className="card" aria-labelledby="scores-heading">
          <h2 id="scores-heading">Where you stand</h2>
          <QuadrantChart criticalAcclaim={result.criticalAcclaim} mainstream={result.mainstream} />
          {scored ? null : (
            <p className="note">
              Too little listening to score: Spotify has only a little history for this account, so the
              verdict goes on what there is.
            </p>
          )}
        </section>

        {props.children}

        <section className="card" aria-labelledby="artists-heading">
          <h2 id="artists-heading">Top artists</h2>
          {profile.topArtists.length === 0 ? (
            <p className="note">No top artists yet.</p>
          ) : (
            <ol className="artists">
              {profile.topArtists.map((artist) => (
                <li key={artist.id} className="artist">
                  {artist.imageUrl ? (
                    <img
                      src={artist.imageUrl}
                      alt=""
                      width={48}
                      height={48}
                      loading="lazy"
                      decoding="async"
                    />
                  ) : (
                    <span className="artist-placeholder" aria-hidden="true">
                      {artist.name.slice(0, 1)}
                    </span>
                  )}
                  <span>
                    <span className="artist-name">{artist.name}</span>
                    {artist.genres.length > 0 ? (
                      <span className="muted"> · {artist.genres.slice(0, 2).join(", ")}</span>
                    ) : null}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>

        <section className="card" aria-labelledby="tracks-heading">
          <h2 id="tracks-heading">Top tracks</h2>
          {profile.topTracks.length === 0 ? (
            <p className="note">No top tracks yet.</p>
          ) : (
            <ol className="tracks">
              {profile.topTracks.map((track) => (
                <li key={track.id}>
                  <span className="track-name">{track.name}</span>
                  <span className="muted">
                    {" "}
                    · {track.artists.join(", ")}
                    {track.releaseYear ? ` (${track.releaseYear})` : ""}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>

        <section className="card" aria-labelledby="genres-heading">
          <h2 id="genres-heading">Genres</h2>
          {profile.topGenres && profile.topGenres.length > 0 ? (
            <Bars
              label="Genre shares"
              items={profile.topGenres.map((genre) => ({ label: genre.genre, share: genre.share }))}
            />
          ) : (
            <p className="note">
              {profile.topGenres ? "No genres to show." : "Spotify did not share genres for this account."}
            </p>
          )}
        </section>

        <section className="card" aria-labelledby="decades-heading">
          <h2 id="decades-heading">Release decades</h2>
          {profile.decades && profile.decades.length > 0 ? (
            <Bars
              label="Release decade shares"
              items={profile.decades.map((decade) => ({ label: `${decade.decade}s`, share: decade.share }))}
            />
          ) : (
            <p className="note">
              {profile.decades ? "No release years to show." : "Spotify did not share release years."}
            </p>
          )}
        </section>

        <section className="card" aria-labelledby="numbers-heading">
          <h2 id="numbers-heading">In numbers</h2>
          <dl className="numbers">
            <div>
              <dt>Loyalty</dt>
              <dd>{profile.artistLoyalty === null ? "withheld" : percent(profile.artistLoyalty)}</dd>
            </div>
            <div>
              <dt>Obscurity</dt>
              <dd>{profile.obscurity === null ? "withheld" : percent(profile.obscurity)}</dd>
            </div>
            <div>
              <dt>Genre diversity</dt>
              <dd>{profile.genreDiversity === null ? "withheld" : percent(profile.genreDiversity)}</dd>
            </div>
            <div>
              <dt>Artists · tracks · recent plays</dt>
              <dd>
                {profile.counts.artists} · {profile.counts.tracks} · {profile.counts.recentPlays}
              </dd>
            </div>
          </dl>
          {withheld.length > 0 ? (
            <p className="note" data-testid="withheld">
              Spotify withheld {withheld.join(", ")} for this account (apps in development mode get no
              popularity), so {withheld.length === 1 ? "it is" : "they are"} left out rather than shown as
              zero.
            </p>
          ) : null}
        </section>
      </div>
    </article>
  );
}
