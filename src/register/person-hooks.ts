import type { Db } from '../auth/context.js';

/** Persons just registered, moved or given a new document hash: by id, or by document hash. */
export type RegisteredPersons = readonly number[] | { documentHashes: readonly string[] };

export type RegisteredPersonsListener = (db: Db, persons: RegisteredPersons, now: Date) => Promise<unknown>;

// The register publishes and higher modules (health) listen, so the register never imports them.
// Listeners are added where the app and the CLI are assembled; adding one twice is a no-op.
const listeners = new Set<RegisteredPersonsListener>();

/** Calls `listener` in the transaction of every registration, move or document change. Returns its removal. */
export function onPersonsRegistered(listener: RegisteredPersonsListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the listeners, in the caller's transaction, one after the other. */
export async function personsRegistered(db: Db, persons: RegisteredPersons, now: Date): Promise<void> {
  for (const listener of listeners) await listener(db, persons, now);
}
