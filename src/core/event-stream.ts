import type { ServerResponse } from 'node:http';

/**
 * One server-sent-events connection (text/event-stream): events with an id (sent back as
 * Last-Event-ID when the browser reconnects), comments as heartbeats so proxies keep the
 * connection open, and a single close that stops the timers whichever side ends it.
 */
export class EventStream {
  private closed = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    private readonly response: ServerResponse,
    /** Headers already set on the reply (the security headers), kept. */
    headers: Record<string, string | number | string[] | undefined>,
    /** How long the browser waits before reconnecting after a drop. */
    retryMs: number,
  ) {
    const kept = Object.entries(headers).filter(
      (entry): entry is [string, string | number | string[]] => entry[1] !== undefined,
    );
    response.writeHead(200, {
      ...Object.fromEntries(
        kept.map(([name, value]) => [name, typeof value === 'number' ? String(value) : value]),
      ),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.on('close', () => this.close());
    this.write(`retry: ${retryMs}\n\n`);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  onClose(handler: () => void): void {
    this.closeHandlers.push(handler);
  }

  send(id: string, data: unknown): void {
    this.write(`id: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    this.write(`: ${text.replaceAll('\n', ' ')}\n\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const handler of this.closeHandlers) handler();
    if (!this.response.writableEnded) this.response.end();
  }

  private write(chunk: string): void {
    if (this.closed || this.response.writableEnded) return;
    this.response.write(chunk);
  }
}

/**
 * Runs `tick` every `intervalMs` while the stream is open, never two at once; a failing tick
 * ends the stream (the browser reconnects and resumes from the last event id).
 */
export function every(
  stream: EventStream,
  intervalMs: number,
  tick: () => Promise<void> | void,
  onError: (error: unknown) => void,
): void {
  let running = false;
  const timer = setInterval(() => {
    if (running || !stream.isOpen) return;
    running = true;
    Promise.resolve()
      .then(tick)
      .catch((error: unknown) => {
        onError(error);
        stream.close();
      })
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  stream.onClose(() => clearInterval(timer));
}
