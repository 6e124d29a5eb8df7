import type { Kysely, Transaction } from 'kysely';
import type { Viewer } from './scope.js';
import type { DB } from '../db/schema.js';

export type Db = Kysely<DB> | Transaction<DB>;

/** The caller of a service: who, from where, and the clock (controllable in tests). */
export interface Actor {
  viewer: Viewer;
  ip: string | null;
  now: () => Date;
}
