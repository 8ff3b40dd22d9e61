import { generateListener, type Listener } from "./generator.js";
import { MusicCatalog } from "./music-catalog.js";
import { findPersona, NAMED_PERSONAS } from "./personas.js";

/** Generated (`seed:<n>`) listeners kept in memory; load tests sign in thousands, each request needs one. */
const DEFAULT_GENERATED_CAPACITY = 5000;

/**
 * Finds the listener behind a persona id, generating it on first use. Named listeners stay cached for the
 * sandbox's lifetime; generated ones are evicted least-recently-used first, and regenerate identically.
 */
export class ListenerDirectory {
  readonly #catalog = new MusicCatalog();
  readonly #named = new Map<string, Listener>();
  /** Map iteration order is insertion order: re-inserting on every hit makes the first key the least recent. */
  readonly #generated = new Map<string, Listener>();
  readonly #capacity: number;

  constructor(capacity = DEFAULT_GENERATED_CAPACITY) {
    this.#capacity = capacity;
  }

  /** The listener for a persona id, or undefined when no persona has that id. */
  find(personaId: string): Listener | undefined {
    const cached = this.#named.get(personaId) ?? this.#touchGenerated(personaId);
    if (cached) return cached;
    const persona = findPersona(personaId);
    if (!persona) return undefined;
    const isNamed = NAMED_PERSONAS.includes(persona);
    // seed ids are normalised ("seed:007" is "seed:7"), so cache under the persona's own id too.
    const existing = isNamed ? this.#named.get(persona.id) : this.#touchGenerated(persona.id);
    const listener = existing ?? generateListener(persona, this.#catalog);
    if (isNamed) this.#named.set(persona.id, listener);
    else this.#remember(persona.id, listener);
    return listener;
  }

  #touchGenerated(personaId: string): Listener | undefined {
    const listener = this.#generated.get(personaId);
    if (listener) {
      this.#generated.delete(personaId);
      this.#generated.set(personaId, listener);
    }
    return listener;
  }

  #remember(personaId: string, listener: Listener): void {
    this.#generated.set(personaId, listener);
    while (this.#generated.size > this.#capacity) {
      const oldest = this.#generated.keys().next();
      if (oldest.done) break;
      this.#generated.delete(oldest.value);
    }
  }
}
