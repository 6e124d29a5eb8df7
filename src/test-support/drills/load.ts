import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { TEST_PASSWORD } from '../factories.js';

/** An app node as the load balancer sees it: a name and an address. */
export interface Target {
  name: string;
  url: string;
}

export interface Session {
  headers: Record<string, string>;
}

/** Signs in through the API, as the web app does: the session cookie and the CSRF token for writes. */
export async function signInOver(target: Target, username: string): Promise<Session> {
  const response = await fetch(`${target.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  if (response.status !== 200)
    throw new Error(`sign-in of ${username}: ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((line) => line.split(';')[0]!);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { headers: { cookie: cookies.join('; '), 'x-csrf-token': csrfToken } };
}

/** A write the server answered 2xx: the client may forget it, so the database must keep it, once. */
export interface Ack {
  key: string;
  title: string;
  eventId: number;
  node: string;
  /** When the acknowledged attempt was sent and answered (ms epoch). */
  at: number;
  answeredAt: number;
}

export interface LoadOptions {
  categoryId: number;
  areaId: number;
  /** A client whose node does not answer at all moves to this one (null: it keeps trying its own). */
  failover?: (from: Target) => Target | null;
  /** How long one write is retried (same key, same body) before it is given up as in doubt. */
  giveUpMs?: number;
  /** Pause between two writes of one client. */
  thinkMs?: number;
}

interface Counter {
  /** Answers a user would see as a failure: no answer, 5xx, or a 4xx nobody asked for. */
  errors: number;
  /** 409 IDEMPOTENCY_KEY_IN_FLIGHT: the key is held by a request still running (or left running). */
  inFlight: number;
  /** Writes acknowledged by this node. */
  acks: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A few clients, each writing one event at a time through the API with an Idempotency-Key and
 * retrying a failed write with the same key and body until it is acknowledged — the offline
 * outbox's contract, which the drills check against what the database holds afterwards.
 */
export class LoadDriver {
  readonly acks: Ack[] = [];
  /** Keys given up on: their write may or may not have happened, but must not have happened twice. */
  readonly inDoubt: string[] = [];
  readonly unexpected: string[] = [];
  /** The last error answer, for the failure message. */
  lastError: string | null = null;
  private readonly counters = new Map<string, Counter>();
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly clients: Array<{ session: Session; target: Target }>,
    private readonly options: LoadOptions,
  ) {}

  counter(node: string): Counter {
    let counter = this.counters.get(node);
    if (!counter) this.counters.set(node, (counter = { errors: 0, inFlight: 0, acks: 0 }));
    return counter;
  }

  /** The first acknowledgement by `node` of a request sent at or after `since` (ms epoch), or null. */
  firstAckSince(node: string, since: number): Ack | null {
    return this.acks.find((ack) => ack.node === node && ack.at >= since) ?? null;
  }

  start(): void {
    this.loops = this.clients.map((client) => this.run(client));
  }

  /** Lets each client finish the write in hand (acknowledged or given up), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  private async run(client: { session: Session; target: Target }): Promise<void> {
    while (!this.stopping) {
      await this.write(client);
      if (this.options.thinkMs) await sleep(this.options.thinkMs);
    }
  }

  private async write(client: { session: Session; target: Target }): Promise<void> {
    const key = randomUUID();
    const title = `drill ${key}`;
    const body = JSON.stringify({
      source: 'patrol',
      categoryId: this.options.categoryId,
      areaId: this.options.areaId,
      title,
    });
    const giveUpAt = Date.now() + (this.options.giveUpMs ?? 30_000);
    for (;;) {
      if (Date.now() > giveUpAt) {
        this.inDoubt.push(key);
        return;
      }
      const target = client.target;
      const counter = this.counter(target.name);
      const sentAt = Date.now();
      let response: Response;
      try {
        response = await fetch(`${target.url}/api/events`, {
          method: 'POST',
          headers: { ...client.session.headers, 'content-type': 'application/json', 'idempotency-key': key },
          body,
          signal: AbortSignal.timeout(15_000),
        });
      } catch {
        counter.errors += 1;
        const next = this.options.failover?.(target);
        if (next) client.target = next;
        await sleep(100);
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.status === 201) {
        const created = JSON.parse(text) as { id: number };
        counter.acks += 1;
        this.acks.push({
          key,
          title,
          eventId: created.id,
          node: target.name,
          at: sentAt,
          answeredAt: Date.now(),
        });
        return;
      }
      if (response.status === 409 && text.includes('IDEMPOTENCY_KEY_IN_FLIGHT')) {
        counter.inFlight += 1;
        await sleep(250);
        continue;
      }
      counter.errors += 1;
      this.lastError = `${target.name} ${response.status} ${text.slice(0, 300)}`;
      if (response.status >= 500) {
        await sleep(200);
        continue;
      }
      this.unexpected.push(`${target.name} ${response.status} ${text.slice(0, 200)}`);
      return;
    }
  }
}

/** What the database holds of the drill's writes: rows per title (one title per key). */
export async function eventRowsByTitle(
  databaseUrl: string,
): Promise<Map<string, { count: number; ids: number[] }>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ title: string; n: string; ids: number[] }>(
      `select title, count(*) as n, array_agg(id order by id) as ids from events where title like 'drill %' group by title`,
    );
    return new Map(rows.map((row) => [row.title, { count: Number(row.n), ids: row.ids.map(Number) }]));
  } finally {
    await client.end();
  }
}

/** Acknowledged writes against the rows: how many are there exactly once, missing, or twice. */
export function tally(acks: Ack[], rows: Map<string, { count: number; ids: number[] }>) {
  let found = 0;
  let missing = 0;
  let wrongId = 0;
  for (const ack of acks) {
    const row = rows.get(ack.title);
    if (!row) missing += 1;
    else if (row.count === 1) {
      found += 1;
      if (row.ids[0] !== ack.eventId) wrongId += 1;
    }
  }
  const duplicates = [...rows.values()].filter((row) => row.count > 1).length;
  return { acknowledged: acks.length, found, missing, wrongId, duplicates, rows: rows.size };
}
