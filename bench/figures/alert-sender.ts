// The device-alert load generator of events.alert_latency_p95, run in a child process of its own
// (bench/figures/events.ts forks it) so that sending and timing never wait for the server's event
// loop. It opens the grid worker's notification stream, then posts alerts open-loop: alert i is
// sent at start + i / rate by the wall clock, whether or not earlier ones were answered. Latency is
// stream receipt of the new event's notification − the moment the request was sent (the figure's
// definition since the start); the lag of each send behind its slot is reported beside it.
import http from 'node:http';
import { takeSseData } from './sse.js';

export interface SenderJob {
  base: string;
  cookie: string;
  deviceToken: string;
  rate: number;
  alerts: number;
  /** Alert i comes from camera BENCH-(firstCamera + i): every alert opens its own event. */
  firstCamera: number;
}

export interface SenderResult {
  alerts: number;
  targetRate: number;
  /** Alerts sent per second between the first and the last send. */
  achievedRate: number;
  p50: number;
  p95: number;
  max: number;
  /** p95 measured from each alert's slot in the schedule instead of its actual send. */
  p95FromSlot: number;
  /** How late sends left behind their slots (ms). */
  sendLagP95: number;
  sendLagMax: number;
  /** Alerts whose notification never arrived (within 10 s of the last answer). */
  missing: number;
  failed: number;
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;
function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return round2(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function openStream(
  base: string,
  cookie: string,
  onEvent: (data: Record<string, unknown>, at: number) => void,
): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${base}/api/notifications/stream`,
      { headers: { cookie, accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`stream answered ${response.statusCode}`));
          return;
        }
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const at = performance.now();
          const taken = takeSseData(buffer + chunk);
          buffer = taken.rest;
          for (const data of taken.data) onEvent(JSON.parse(data) as Record<string, unknown>, at);
        });
        resolve(request);
      },
    );
    request.on('error', reject);
  });
}

export async function sendAlerts(job: SenderJob): Promise<SenderResult> {
  const arrivals = new Map<string, number>();
  const stream = await openStream(job.base, job.cookie, (data, at) => {
    const entity = data.entityId ?? (data.entity as { id?: unknown } | undefined)?.id;
    if (entity !== undefined && !arrivals.has(String(entity))) arrivals.set(String(entity), at);
  });
  await sleep(300);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const slots: number[] = [];
  const sentAt: number[] = [];
  const answers: Array<Promise<string | null>> = [];
  let failed = 0;
  const post = (i: number) => {
    const camera = job.firstCamera + i;
    const body = JSON.stringify({
      camera: `BENCH-${camera}`,
      kind: i % 2 === 0 ? 'gathering' : 'fever_at_gate',
      occurredAt: new Date().toISOString(),
      externalId: `bench-${camera}`,
    });
    sentAt[i] = performance.now();
    answers[i] = new Promise<string | null>((resolve) => {
      const request = http.request(
        `${job.base}/api/devices/alerts`,
        {
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${job.deviceToken}`, 'content-type': 'application/json' },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            if ((response.statusCode ?? 0) >= 300) {
              failed += 1;
              resolve(null);
            } else resolve(String((JSON.parse(text) as { eventId: unknown }).eventId));
          });
        },
      );
      request.on('error', () => {
        failed += 1;
        resolve(null);
      });
      request.end(body);
    });
  };
  // Open loop by the wall clock: every alert whose slot has come is sent now, answered or not.
  const started = performance.now();
  let next = 0;
  while (next < job.alerts) {
    const now = performance.now();
    while (next < job.alerts && started + (next * 1000) / job.rate <= now) {
      slots[next] = started + (next * 1000) / job.rate;
      post(next);
      next += 1;
    }
    if (next < job.alerts) {
      const wait = started + (next * 1000) / job.rate - performance.now();
      if (wait > 1) await sleep(wait - 1);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const lastSend = sentAt[job.alerts - 1]!;
  const ids = await Promise.all(answers);
  for (let waited = 0; waited < 10_000 && ids.some((id) => id !== null && !arrivals.has(id)); waited += 20)
    await sleep(20);
  stream.destroy();
  agent.destroy();
  const latencies: number[] = [];
  const fromSlot: number[] = [];
  ids.forEach((id, i) => {
    const arrived = id === null ? undefined : arrivals.get(id);
    if (arrived === undefined) return;
    latencies.push(arrived - sentAt[i]!);
    fromSlot.push(arrived - slots[i]!);
  });
  const lags = sentAt.map((at, i) => at - slots[i]!);
  return {
    alerts: job.alerts,
    targetRate: job.rate,
    achievedRate: Math.round(((job.alerts - 1) * 1000 * 10) / (lastSend - sentAt[0]!)) / 10,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    max: quantile(latencies, 1),
    p95FromSlot: quantile(fromSlot, 0.95),
    sendLagP95: quantile(lags, 0.95),
    sendLagMax: quantile(lags, 1),
    missing: ids.filter((id) => id !== null).length - latencies.length,
    failed,
  };
}

// Run as a child process: one job in over IPC, its result out, then exit.
if (process.send) {
  process.once('message', (job: SenderJob) => {
    sendAlerts(job).then(
      (result) => process.send!({ ok: true, result }, () => process.exit(0)),
      (error: unknown) => process.send!({ ok: false, error: String(error) }, () => process.exit(1)),
    );
  });
}
