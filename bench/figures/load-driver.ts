// The open-loop load driver of load.ts, run as its own process (`node --import tsx load-driver.ts`, IPC):
// it holds each simulated grid worker's notification stream open, fires each worker's action once per
// cycle at its own phase whether or not the previous one has finished (open loop: a slow server does
// not slow the offered load), posts device alerts at a steady rate, and sends back raw latencies.
// Requests go through Node's fetch (undici): one keep-alive pool per origin, no connection cap.

import { takeSseData } from './sse.js';

export interface DriverWorker {
  /** Global index 0…N-1: sets the phase of the worker inside the cycle and its action rotation. */
  index: number;
  token: string;
  csrf: string;
  houseId: number;
  areaId: number;
  /** Residents of the worker's house (seen on a visit, marked on the untested list). */
  personIds: number[];
}

export interface DriverPlan {
  urls: string[];
  workers: DriverWorker[];
  totalWorkers: number;
  roundId: number;
  categoryId: number;
  deviceToken: string;
  cameras: string[];
  alertsPerSecond: number;
  warmupMs: number;
  measureMs: number;
  cycleMs: number;
}

export const ACTIONS = ['today', 'untested', 'mark', 'visit', 'event'] as const;
export type ActionName = (typeof ACTIONS)[number];

export interface DriverResult {
  /** Worker requests started inside the measured window: [action index, latency ms] pairs, flattened. */
  samples: number[];
  requests: number;
  errors: number;
  errorSamples: string[];
  alertsSent: number;
  alertErrors: number;
  alertLatencies: number[];
  streamsOpened: number;
  streamsFailed: number;
  streamDrops: number;
  streamEvents: number;
  driverCpuMs: number;
  /** Requests still unanswered when the driver gave up waiting. */
  unfinished: number;
}

const ALERT_KINDS = ['gathering', 'fever_at_gate'] as const;
const TODAY_HEALTH = ['fever_24h', 'red_code', 'yellow_code', 'no_dose'] as const;
const REQUEST_TIMEOUT_MS = 30_000;

/** `startAt`: resolves to the wall-clock ms (Date.now()) at which actions and alerts start, told once every driver's streams are open. */
function run(plan: DriverPlan, startAt: Promise<number>): Promise<DriverResult> {
  const result: DriverResult = {
    samples: [],
    requests: 0,
    errors: 0,
    errorSamples: [],
    alertsSent: 0,
    alertErrors: 0,
    alertLatencies: [],
    streamsOpened: 0,
    streamsFailed: 0,
    streamDrops: 0,
    streamEvents: 0,
    driverCpuMs: 0,
    unfinished: 0,
  };
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureTo = Number.POSITIVE_INFINITY;
  const inWindow = (at: number) => at >= measureFrom && at < measureTo;
  let stopping = false;
  let inFlight = 0;
  const streams = new AbortController();
  const error = (what: string) => {
    if (result.errorSamples.length < 20) result.errorSamples.push(what);
  };

  // One worker request: timed from send to the end of the body; errors are non-2xx or no answer.
  async function call(
    action: number,
    worker: DriverWorker,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const base = plan.urls[worker.index % plan.urls.length]!;
    const startedWall = Date.now();
    const started = performance.now();
    const counted = inWindow(startedWall);
    inFlight += 1;
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          cookie: `gg_session=${worker.token}`,
          ...(method === 'GET' ? {} : { 'x-csrf-token': worker.csrf, 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const elapsed = performance.now() - started;
      if (counted) {
        result.requests += 1;
        result.samples.push(action, elapsed);
      }
      if (response.status < 200 || response.status >= 300) {
        if (counted) result.errors += 1;
        error(`${method} ${path.split('?')[0]} → ${response.status} ${text.slice(0, 160)}`);
        return null;
      }
      return text ? (JSON.parse(text) as unknown) : null;
    } catch (failure) {
      if (counted) {
        result.requests += 1;
        result.errors += 1;
      }
      error(`${method} ${path.split('?')[0]} → ${(failure as Error).message}`);
      return null;
    } finally {
      inFlight -= 1;
    }
  }

  // Events heard on a worker's stream (alert events of its grid) and its own patrol findings, to accept.
  const toAccept = new Map<number, number[]>();
  const markRound = new Map<number, number>();

  async function act(worker: DriverWorker, cycle: number) {
    const action = (worker.index + cycle) % ACTIONS.length;
    const name = ACTIONS[action]!;
    const round = plan.roundId;
    switch (name) {
      case 'today': {
        // What web/src/pages/TodayPage.tsx and the layout ask for on opening the Today page.
        await Promise.all([
          call(action, worker, 'GET', '/api/auth/me'),
          call(action, worker, 'GET', '/api/notifications/unread-count'),
          call(action, worker, 'GET', '/api/rounds?status=open&pageSize=10'),
          call(action, worker, 'GET', `/api/rounds/${round}/untested?page=1&pageSize=10`),
          call(action, worker, 'GET', '/api/leads?mine=true&status=open&pageSize=50'),
          call(action, worker, 'GET', '/api/key-persons?responsible=me&status=active&pageSize=200'),
          call(action, worker, 'GET', '/api/pending-changes?status=pending&pageSize=1'),
          call(action, worker, 'GET', '/api/key-persons/tasks?responsible=me&pageSize=20'),
          ...TODAY_HEALTH.map((health) =>
            call(action, worker, 'GET', `/api/persons?status=active&page=1&pageSize=1&health=${health}`),
          ),
        ]);
        return;
      }
      case 'untested':
        await call(action, worker, 'GET', `/api/rounds/${round}/untested?page=2&pageSize=20&sort=name`);
        return;
      case 'mark': {
        const turn = markRound.get(worker.index) ?? 0;
        markRound.set(worker.index, turn + 1);
        const personId = worker.personIds[turn % worker.personIds.length]!;
        await call(action, worker, 'PUT', `/api/rounds/${round}/marks/${personId}`, {
          kind: 'outcome',
          reason: turn % 2 === 0 ? 'unreachable' : 'scheduled',
        });
        return;
      }
      case 'visit':
        await call(action, worker, 'POST', '/api/visits', {
          houseId: worker.houseId,
          seenPersonIds: worker.personIds.slice(0, 2),
          notes: 'load bench',
        });
        return;
      case 'event': {
        await call(action, worker, 'GET', '/api/events/mine');
        const waiting = toAccept.get(worker.index) ?? [];
        const next = waiting.shift();
        if (next !== undefined) {
          await call(action, worker, 'POST', `/api/events/${next}/actions/accept`, { note: 'on my way' });
          return;
        }
        const created = (await call(action, worker, 'POST', '/api/events', {
          source: 'patrol',
          categoryId: plan.categoryId,
          areaId: worker.areaId,
          title: 'Blocked fire lane',
          description: 'Found on the round (load bench)',
        })) as { id?: number } | null;
        if (created?.id) toAccept.set(worker.index, [...waiting, created.id]);
        return;
      }
    }
  }

  async function openStream(worker: DriverWorker): Promise<boolean> {
    const base = plan.urls[worker.index % plan.urls.length]!;
    let response: Response;
    try {
      response = await fetch(`${base}/api/notifications/stream`, {
        headers: { cookie: `gg_session=${worker.token}`, accept: 'text/event-stream' },
        signal: streams.signal,
      });
    } catch (failure) {
      error(`stream → ${(failure as Error).message}`);
      return false;
    }
    if (response.status !== 200 || !response.body) {
      error(`stream → ${response.status} ${(await response.text()).slice(0, 160)}`);
      return false;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const taken = takeSseData(buffer + value);
          buffer = taken.rest;
          for (const data of taken.data) {
            result.streamEvents += 1;
            const entity = (JSON.parse(data) as { entity?: { type?: string; id?: string | null } }).entity;
            if (entity?.type === 'event' && entity.id) {
              const list = toAccept.get(worker.index) ?? [];
              if (!list.includes(Number(entity.id))) list.push(Number(entity.id));
              toAccept.set(worker.index, list.slice(-5));
            }
          }
        }
        if (!stopping) {
          result.streamDrops += 1;
          error('stream ended by the server');
        }
      } catch (failure) {
        if (!stopping) {
          result.streamDrops += 1;
          error(`stream dropped: ${(failure as Error).message}`);
        }
      }
    })();
    return true;
  }

  return (async () => {
    const cpuAtStart = process.cpuUsage();
    // Streams first, 50 at a time, as the phones connect in the morning.
    for (let i = 0; i < plan.workers.length; i += 50) {
      const opened = await Promise.all(plan.workers.slice(i, i + 50).map(openStream));
      for (const ok of opened) {
        if (ok) result.streamsOpened += 1;
        else result.streamsFailed += 1;
      }
    }
    process.send?.({ type: 'streams-open' });

    const timers: NodeJS.Timeout[] = [];
    const pending = new Set<Promise<void>>();
    const track = (work: Promise<void>) => {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    };
    const until = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    const start = await startAt;
    measureFrom = start + plan.warmupMs;
    measureTo = measureFrom + plan.measureMs;
    await until(start);

    for (const worker of plan.workers) {
      const phase = (worker.index / plan.totalWorkers) * plan.cycleMs;
      let cycle = 0;
      const fire = () => {
        if (stopping) return;
        track(act(worker, cycle));
        cycle += 1;
      };
      timers.push(
        setTimeout(() => {
          fire();
          timers.push(setInterval(fire, plan.cycleMs));
        }, phase),
      );
    }

    // Device alerts at a steady rate, each with its own external id; cameras in turn.
    let alertIndex = 0;
    const alertTimer = setInterval(() => {
      const due = Math.floor(((Date.now() - start) * plan.alertsPerSecond) / 1000);
      while (!stopping && alertIndex < due) {
        const i = alertIndex++;
        const sentWall = Date.now();
        const started = performance.now();
        track(
          (async () => {
            const counted = inWindow(sentWall);
            try {
              const response = await fetch(`${plan.urls[i % plan.urls.length]}/api/devices/alerts`, {
                method: 'POST',
                headers: { authorization: `Bearer ${plan.deviceToken}`, 'content-type': 'application/json' },
                body: JSON.stringify({
                  camera: plan.cameras[i % plan.cameras.length],
                  kind: ALERT_KINDS[Math.floor(i / plan.cameras.length) % ALERT_KINDS.length],
                  occurredAt: new Date().toISOString(),
                  externalId: `load-${process.pid}-${i}`,
                }),
                signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
              });
              const text = await response.text();
              if (!counted) return;
              result.alertsSent += 1;
              result.alertLatencies.push(performance.now() - started);
              if (response.status < 200 || response.status >= 300) {
                result.alertErrors += 1;
                error(`alert → ${response.status} ${text.slice(0, 160)}`);
              }
            } catch (failure) {
              if (!counted) return;
              result.alertsSent += 1;
              result.alertErrors += 1;
              error(`alert → ${(failure as Error).message}`);
            }
          })(),
        );
      }
    }, 20);

    await until(measureTo);
    stopping = true;
    clearInterval(alertTimer);
    for (const timer of timers) clearTimeout(timer);
    // Let answers to requests sent inside the window come in (bounded).
    const deadline = Date.now() + REQUEST_TIMEOUT_MS;
    while (pending.size > 0 && Date.now() < deadline) await until(Date.now() + 100);
    result.unfinished = inFlight;
    streams.abort();
    const cpu = process.cpuUsage(cpuAtStart);
    result.driverCpuMs = Math.round((cpu.user + cpu.system) / 1000);
    return result;
  })();
}

let told: (startAt: number) => void = () => undefined;
const startAt = new Promise<number>((resolve) => (told = resolve));
process.on('message', (message: { type: 'plan'; plan: DriverPlan } | { type: 'start'; startAt: number }) => {
  if (message.type === 'start') {
    told(message.startAt);
    return;
  }
  void run(message.plan, startAt).then(
    (result) => process.send?.({ type: 'result', result }, () => process.exit(0)),
    (failure: unknown) => {
      console.error(failure);
      process.exit(1);
    },
  );
});
