import { NAMED_PERSONAS, SEEDED_COUNTRIES } from "./data/personas.js";
import { CLUSTER_IDS, type ClusterId, genreCluster } from "./genre-clusters.js";
import { personName } from "./naming.js";
import { Random } from "./random.js";

export { NAMED_PERSONAS };

/** What a listener likes; the generator turns it into top lists and a play history. */
export interface Taste {
  /** Genre clusters and how much of the listener's library each makes up (relative weights). */
  readonly clusters: readonly { readonly clusterId: ClusterId; readonly weight: number }[];
  /** Preferred artist popularity: most artists fall within `spread` of `target`. */
  readonly popularity: { readonly target: number; readonly spread: number };
  /** 0..1: how much short-term favourites match long-term ones. */
  readonly loyalty: number;
  /** Distinct artists the listener plays; fewer than 50 gives short top lists. */
  readonly artistCount: number;
  /** Average favourite tracks per artist. */
  readonly tracksPerArtist: number;
  /** 0..1: pull towards the newest releases (chart listeners), 0 for none. */
  readonly newReleaseAffinity: number;
  /** Weight multiplier for artists without genres; 1 is neutral. */
  readonly unclassifiedAffinity: number;
  /** Average plays per day, for the recently-played history. */
  readonly dailyPlays: number;
}

export interface Persona {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly country: string;
  readonly product: "premium" | "free";
  readonly followers: number;
  /** null: a brand-new account with no listening data. */
  readonly taste: Taste | null;
}

export interface PersonaSummary {
  id: string;
  displayName: string;
  description: string;
}

const NAMED_BY_ID: ReadonlyMap<string, Persona> = new Map(
  NAMED_PERSONAS.map((persona) => [persona.id, persona]),
);

const SEED_PERSONA = /^seed:(\d{1,16})$/;

/** The listener behind `seed:<n>`: own name, country and mix of genre clusters, the same in every process. */
function seededPersona(seed: number): Persona {
  const random = Random.fromKey(`seed-persona:${seed}`);
  const clusterIds = random.sample(CLUSTER_IDS, random.integer(1, 4));
  const clusters = clusterIds.map((clusterId, index) => ({
    clusterId,
    weight: index === 0 ? 1 : random.between(0.15, 0.8),
  }));
  const popularityFloor = average(clusterIds.map((id) => genreCluster(id).popularity[0]));
  const popularityCeiling = average(clusterIds.map((id) => genreCluster(id).popularity[1]));
  const loyalty = random.between(0.05, 0.97);
  const casual = random.chance(0.1);
  const labels = clusterIds.map((id) => genreCluster(id).label);
  return {
    id: `seed:${seed}`,
    displayName: personName(random),
    description: `Generated listener #${seed}: ${labels.join(", ")}; ${loyaltyWord(loyalty)}${casual ? ", casual" : ""}.`,
    country: random.pick(SEEDED_COUNTRIES),
    product: random.chance(0.7) ? "premium" : "free",
    followers: random.integer(0, 120),
    taste: {
      clusters,
      popularity: {
        target: random.between(popularityFloor, popularityCeiling),
        spread: random.between(8, 25),
      },
      loyalty,
      artistCount: casual ? random.integer(5, 40) : random.integer(55, 110),
      tracksPerArtist: random.between(1.5, 4),
      newReleaseAffinity: random.chance(0.3) ? random.between(0.2, 0.9) : 0,
      unclassifiedAffinity: random.chance(0.1) ? random.between(2, 6) : 1,
      dailyPlays: casual ? random.integer(5, 15) : random.integer(15, 70),
    },
  };
}

function loyaltyWord(loyalty: number): string {
  if (loyalty > 0.7) return "loyal";
  return loyalty < 0.3 ? "restless" : "steady";
}

function average(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * The persona for an id: a named one, or `seed:<n>` (n a non-negative integer; leading zeros name the same
 * listener). Undefined for anything else.
 */
export function findPersona(id: string): Persona | undefined {
  const named = NAMED_BY_ID.get(id);
  if (named) return named;
  const match = SEED_PERSONA.exec(id);
  if (!match) return undefined;
  const seed = Number(match[1]);
  return Number.isSafeInteger(seed) ? seededPersona(seed) : undefined;
}

export function summarize(persona: Persona): PersonaSummary {
  return { id: persona.id, displayName: persona.displayName, description: persona.description };
}
