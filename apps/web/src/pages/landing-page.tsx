import { useQuery } from "@tanstack/react-query";
import { listDemoPersonas } from "@unwrapped/client";
import { QuadrantChart } from "../components/quadrant-chart";

/**
 * The sign-in link. From any page but `/` (a friend's `/compare/<token>`, a verdict's address) sign-in
 * comes back to that page: redirect_to is this origin, which the server allows (APP_URL).
 */
export function signInHref(location: { origin: string; pathname: string; search: string }): string {
  if (location.pathname === "/" && location.search === "") return "/auth/spotify/login";
  const back = `${location.origin}${location.pathname}${location.search}`;
  return `/auth/spotify/login?redirect_to=${encodeURIComponent(back)}`;
}

/** Signed out: what the service does, a sample verdict, and "Sign in with Spotify". */
export function LandingPage(props: { reason: string | null }) {
  const personas = useQuery({
    queryKey: ["demo-personas"],
    queryFn: () => listDemoPersonas({ url: window.location.origin }),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  return (
    <div className="stack">
      {props.reason ? (
        <p className="card message error" role="alert">
          {props.reason}
        </p>
      ) : null}
      <section className="card hero">
        <h1>What does your music taste say about you?</h1>
        <p>
          Sign in with Spotify. We read your top artists, top tracks and recent plays, work out how mainstream
          and how acclaimed your taste is, and hand you a verdict — with the evidence, and a link to share it.
        </p>
        <p>
          <a className="button primary big" href={signInHref(window.location)}>
            Sign in with Spotify
          </a>
        </p>
        {personas.data ? (
          <p className="note">
            Demo mode: this server uses a simulated Spotify. After signing in you pick one of{" "}
            {personas.data.length} sandbox listeners (
            {personas.data.map((persona) => persona.displayName).join(", ")}
            ).
          </p>
        ) : null}
      </section>
      <section className="card sample" aria-labelledby="sample-heading">
        <p className="eyebrow">A sample verdict</p>
        <h2 id="sample-heading">The Vinyl Archaeologist</h2>
        <p className="roast">
          You dig where others scroll: half your top artists have fewer listeners than a village fête, and you
          would like everyone to know it.
        </p>
        <QuadrantChart criticalAcclaim={0.78} mainstream={0.22} />
      </section>
    </div>
  );
}
