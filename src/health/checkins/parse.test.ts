import { describe, expect, it } from 'vitest';
import { parseCheckinText } from './parse.js';

// Messages as residents send them to the check-in number, and what is not a check-in at all.
const READ: Array<[string, number | null, boolean, number | null]> = [
  // text, temperature, well, persons
  ['36.5', 36.5, true, null],
  ['体温36.8 平安', 36.8, true, null],
  ['2人 平安', null, true, 2],
  ['36度8', 36.8, true, null],
  ['36点6', 36.6, true, null],
  ['不舒服', null, false, null],
  ['３６．５', 36.5, true, null],
  ['３６．５℃ 平安', 36.5, true, null],
  ['37.8', 37.8, false, null],
  ['37.3度', 37.3, false, null],
  ['37度 咳嗽', 37, false, null],
  ['3号，2人，平安', null, true, 2],
  ['12号 3人 平安', null, true, 3],
  ['我们一家三口都平安', null, true, 3],
  ['两人平安！', null, true, 2],
  ['体温正常', null, true, null],
  ['平安', null, true, null],
  ['36.5c', 36.5, true, null],
  ['  今天体温 36.4  ', 36.4, true, null],
];

const REFUSED: Array<[string, string]> = [
  ['', 'empty'],
  ['   ', 'empty'],
  ['365', 'no_reading'],
  ['13800138000', 'no_reading'],
  ['你好请问核酸在哪做', 'no_reading'],
  ['36.5 请问明天还要报吗', 'no_reading'],
  ['TD', 'no_reading'],
  ['【顺丰】您的快递已到', 'no_reading'],
  ['36.5 36.8', 'several_temperatures'],
  ['45', 'temperature_out_of_range'],
  ['29.5', 'temperature_out_of_range'],
];

describe('reading check-in texts', () => {
  it.each(READ)('reads %j', (text, temperature, well, persons) => {
    expect(parseCheckinText(text)).toEqual({ ok: true, temperature, well, persons });
  });
  it.each(REFUSED)('leaves %j for a person to read (%s)', (text, reason) => {
    expect(parseCheckinText(text)).toEqual({ ok: false, reason });
  });
});
