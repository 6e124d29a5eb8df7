import { ChannelSendError } from './types.js';

export interface HttpAnswer {
  status: number;
  /** At most the first 2,000 characters of the body. */
  text: string;
}

/**
 * POSTs JSON and gives back the status and the start of the body. Network errors and timeouts
 * become ChannelSendErrors that name the provider, never the URL (a webhook URL holds its key).
 */
export async function postJson(
  provider: string,
  url: string,
  body: unknown,
  options: { timeoutMs: number; headers?: Record<string, string> },
): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
    throw new ChannelSendError(
      timedOut
        ? `${provider} did not answer within ${options.timeoutMs} ms`
        : `${provider} could not be reached${cause ? `: ${redact(cause)}` : ''}`,
    );
  }
  const text = await response.text().catch(() => '');
  return { status: response.status, text: text.slice(0, 2000) };
}

/** Node's connection errors name host and port (ECONNREFUSED 127.0.0.1:9); keep the code only. */
function redact(message: string): string {
  return message.split(' ')[0]?.slice(0, 40) ?? '';
}

/** A short, single-line excerpt of a provider's answer for last_error. */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export const isSuccess = (status: number) => status >= 200 && status < 300;
