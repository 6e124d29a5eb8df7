import { can } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import type { AreaLevel } from '../db/schema.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { type AreaRef, areasByCode } from './repository.js';
import { CellProblem } from './values.js';

/** What every batch of one import shares. */
export interface ImportContext {
  actor: Actor;
  cipher: FieldCipher;
  /** One timestamp for the whole import, so its rows and history entries line up. */
  at: Date;
  actorName: string;
  /** The file name, kept as the history entries' source. */
  source: string;
  /** Fields the file has a column for; the others keep their stored values. */
  present: ReadonlySet<string>;
  areas: AreaResolver;
  touched: PathTracker;
  /** Where the import's time goes (milliseconds per phase), for the CLI's summary and the bench. */
  phases: PhaseTimes;
}

/** Milliseconds spent per named phase; phases that overlap (reading while storing) are counted each. */
export class PhaseTimes {
  readonly ms: Record<string, number> = {};

  add(name: string, startedAt: number): void {
    this.ms[name] = (this.ms[name] ?? 0) + (performance.now() - startedAt);
  }

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(name, started);
    }
  }

  /** Rounded to whole milliseconds. */
  summary(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.ms).map(([k, v]) => [k, Math.round(v)]));
  }
}

export interface BatchCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export type RejectSink = (row: number, problem: CellProblem) => void;

/** Finds areas by code once per import and says whether a row may be stored there. */
export class AreaResolver {
  private readonly cache = new Map<string, (AreaRef & { writable: boolean }) | null>();

  constructor(private readonly actor: Actor) {}

  async load(db: Db, codes: Iterable<string>): Promise<void> {
    const missing = [...new Set(codes)].filter((code) => !this.cache.has(code));
    if (missing.length === 0) return;
    for (const code of missing) this.cache.set(code, null);
    for (const area of await areasByCode(db, missing)) {
      this.cache.set(area.code, { ...area, writable: can(this.actor.viewer, 'person.write', area.path) });
    }
  }

  /** The area of a loaded code, or the problem that rejects the row. */
  check(code: string, levels: readonly AreaLevel[]): AreaRef | CellProblem {
    const area = this.cache.get(code);
    if (!area) return new CellProblem('gridCode', 'unknownArea', { code });
    if (!area.writable) return new CellProblem('gridCode', 'areaForbidden', { code });
    if (area.retired_at) return new CellProblem('gridCode', 'areaRetired', { code });
    if (!levels.includes(area.level)) {
      return new CellProblem('gridCode', 'areaLevel', { code, level: area.level, levels: levels.join(', ') });
    }
    return area;
  }
}

/** The deepest area path containing every stored row: where the import's audit entry belongs. */
export class PathTracker {
  private common: string | null = null;

  add(path: string): void {
    if (this.common === null) {
      this.common = path;
      return;
    }
    if (path.startsWith(this.common)) return;
    let end = 0;
    for (let i = 0; i < Math.min(path.length, this.common.length) && path[i] === this.common[i]; i++) {
      if (path[i] === '/') end = i + 1;
    }
    this.common = this.common.slice(0, end);
  }

  get path(): string | null {
    return this.common === '/' || this.common === '' ? null : this.common;
  }
}

/** One column of a batch as an array for unnest(); undefined becomes null. */
export function column<T>(
  rows: readonly T[],
  pick: (row: T) => string | number | boolean | null | undefined,
) {
  return rows.map((row) => pick(row) ?? null);
}
