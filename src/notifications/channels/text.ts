import type { ChannelMessage } from './types.js';

const SIGNATURE = '【网格卫士】';

/** The plain text a phone or group robot shows: signature, urgency, title and body, cut to `max` characters. */
export function messageText(message: ChannelMessage, max: number): string {
  const urgent = message.priority === 'urgent' ? '[紧急] ' : '';
  const text = `${SIGNATURE}${urgent}${message.title}${message.body ? `：${message.body}` : ''}`;
  const characters = Array.from(text);
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}
