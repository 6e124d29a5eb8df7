/** One server-sent event as a browser's EventSource would see it. */
export interface ReceivedEvent {
  id: string | null;
  data: string;
  receivedAt: number;
}

export interface OpenedStream {
  status: number;
  contentType: string;
  events: ReceivedEvent[];
  comments: string[];
  /** Resolves with the first event `match` accepts (already received or arriving); rejects after `timeoutMs`. */
  waitFor(match: (event: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Resolves once a comment containing `text` came. */
  waitForComment(text: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

/**
 * Opens a text/event-stream with fetch (tests only) and parses it as it arrives: `id:`, `data:`
 * and comment lines, blocks separated by a blank line.
 */
export async function openEventStream(url: string, headers: Record<string, string>): Promise<OpenedStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const events: ReceivedEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  let buffer = '';
  let ended = false;
  const pump = async () => {
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | null = null;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(': ')) comments.push(line.slice(2));
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ id, data: data.join('\n'), receivedAt: performance.now() });
          end = buffer.indexOf('\n\n');
        }
        wake();
      }
    } catch {
      // Aborted by close(), or the server ended the stream.
    } finally {
      ended = true;
      wake();
    }
  };
  void pump();

  const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const found = check();
        if (found !== undefined) {
          finish();
          resolve(found);
        } else if (ended) {
          finish();
          reject(new Error(`stream ended before ${what}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(attempt);
      };
      waiters.add(attempt);
      attempt();
    });

  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    events,
    comments,
    waitFor: (match, timeoutMs = 5000) => waitUntil(() => events.find(match), timeoutMs, 'an event'),
    waitForComment: (text, timeoutMs = 5000) =>
      waitUntil(
        () => (comments.some((c) => c.includes(text)) ? true : undefined),
        timeoutMs,
        `": ${text}"`,
      ).then(() => undefined),
    close: () => controller.abort(),
  };
}
