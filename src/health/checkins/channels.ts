import { feverFrom, type ParsedCheckinText, parseCheckinText } from './parse.js';
import type { SmsInboundBody, VoiceAnswers, VoicePushBody } from './schema.js';

// The ways check-ins come in from outside, one adapter per channel, as notifications/channels has
// one per way out: each turns its provider's payload into the same InboundReport, and the service
// matches, records or files it without knowing which channel it was.

export type InboundChannel = 'sms' | 'voice';

/** One resident's message as the service handles it, whatever the channel. */
export interface InboundReport {
  channel: InboundChannel;
  /** The provider's message or call id: a retry carries the same and changes nothing. */
  messageId: string;
  /** The sender's (or callee's) phone as the provider gave it; normalised by the service. */
  phone: string;
  sentAt: Date | null;
  /** What a person reads in the inbox: the SMS text, or the voice answers in words. */
  body: string;
  reading: ParsedCheckinText;
}

/** One way in. `read` checks nothing the route schema did not; it only translates. */
export interface InboundChannelAdapter<Payload> {
  readonly channel: InboundChannel;
  read(payload: Payload): InboundReport[];
}

export const smsInbound: InboundChannelAdapter<SmsInboundBody> = {
  channel: 'sms',
  read: (payload) => [
    {
      channel: 'sms',
      messageId: payload.messageId,
      phone: payload.from,
      sentAt: payload.receivedAt ? new Date(payload.receivedAt) : null,
      body: payload.text,
      reading: parseCheckinText(payload.text),
    },
  ],
};

/** The voice robot's answers (keys pressed or recognised speech) as a reading. */
export function voiceReading(answers: VoiceAnswers): ParsedCheckinText {
  const hasTemperature = answers.temperature !== undefined && answers.temperature !== null;
  const hasWell = answers.well !== undefined && answers.well !== null;
  if (!hasTemperature && !hasWell) return parseCheckinText(answers.text ?? '');
  let temperature: number | null = null;
  if (hasTemperature) {
    const parsed = parseCheckinText(String(answers.temperature));
    if (!parsed.ok) return parsed;
    if (parsed.temperature === null) return { ok: false, reason: 'no_reading' };
    temperature = parsed.temperature;
  }
  const fever = temperature !== null && temperature >= feverFrom();
  return {
    ok: true,
    temperature,
    well: (answers.well ?? true) && !fever,
    persons: answers.persons ?? null,
  };
}

/** The answers in words for the inbox (体温 36.5 · 平安 · 2人). */
export function voiceBody(answers: VoiceAnswers): string {
  const parts: string[] = [];
  if (answers.temperature !== undefined && answers.temperature !== null)
    parts.push(`体温 ${answers.temperature}`);
  if (answers.well !== undefined && answers.well !== null) parts.push(answers.well ? '平安' : '不适');
  if (answers.persons) parts.push(`${answers.persons}人`);
  if (answers.text) parts.push(answers.text);
  return parts.join(' · ');
}

export const voiceInbound: InboundChannelAdapter<VoicePushBody> = {
  channel: 'voice',
  read: (payload) =>
    payload.results.map((r) => ({
      channel: 'voice' as const,
      messageId: r.callId,
      phone: r.phone,
      sentAt: new Date(r.calledAt),
      body: voiceBody(r.answers),
      reading: voiceReading(r.answers),
    })),
};
