import { healthRules } from '../rules/settings.js';
// Check-in texts as residents type them into an SMS: "36.5", "体温36.8 平安", "2人 平安", "36度8",
// "不舒服", full-width digits. Anything else is left for a person to read (the worker's inbox).

/** The range a check-in accepts, in °C: below or above is a typo or a broken thermometer. */
export const TEMPERATURE_MIN = 34;
export const TEMPERATURE_MAX = 43;
/** From this temperature a check-in counts as a fever (发热): the deployment's threshold, as for the health rules. */
export const feverFrom = (): number => healthRules().feverThreshold;

export type ParsedCheckinText =
  | {
      ok: true;
      /** °C with one decimal, or null when the text gave none. */
      temperature: number | null;
      /** false when the text says unwell (or the temperature is a fever), true when it says well. */
      well: boolean;
      /** "2人": how many the sender reports for; null when not said. */
      persons: number | null;
    }
  | { ok: false; reason: 'empty' | 'no_reading' | 'temperature_out_of_range' | 'several_temperatures' };

const UNWELL =
  /不舒服|不适|不太好|不好|难受|发烧|发热|咳嗽|头痛|头疼|乏力|腹泻|嗓子疼|喉咙痛|生病|不平安|异常/;
const WELL = /平安|正常|良好|健康|无异常|没事|都好|很好|安好|^好$|\bok\b/i;
const CHINESE_DIGITS: Record<string, number> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
};

function personsOf(text: string): { persons: number | null; rest: string } {
  const match = /(\d{1,2}|[一二两三四五六七八九十])\s*(?:个)?(?:人|口)/.exec(text);
  if (!match) return { persons: null, rest: text };
  const raw = match[1]!;
  const persons = /\d/.test(raw) ? Number(raw) : (CHINESE_DIGITS[raw] ?? null);
  return { persons, rest: text.replace(match[0], ' ') };
}

/** Every temperature-looking number: 36.5, 36点5, 36度8, 37度, 37℃. */
function temperaturesOf(text: string): number[] {
  const found: number[] = [];
  const pattern = /(?<![\d.])(\d{2})(?:\s*(?:\.|点|度)\s*(\d)\d*)?\s*(?:度|°c|°|c)?(?![\d.])/gi;
  for (const match of text.matchAll(pattern)) {
    const whole = Number(match[1]);
    const tenth = match[2] === undefined ? 0 : Number(match[2]);
    found.push(whole + tenth / 10);
  }
  return found;
}

/** Parses one inbound text; a text it cannot read with confidence is refused with a reason. */
export function parseCheckinText(raw: string): ParsedCheckinText {
  // NFKC folds full-width digits, dots and letters (３６．５ → 36.5, ℃ → °C).
  const text = raw.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
  if (text === '') return { ok: false, reason: 'empty' };
  // House numbers ("12号") are not readings; the sender's phone says which house.
  const { persons, rest } = personsOf(text.replace(/\d+\s*号/g, ' '));
  const withoutWords = rest.replace(/体温|温度|今天|今日|早上|上午|下午|晚上/g, ' ');
  const temperatures = temperaturesOf(withoutWords);
  const unwell = UNWELL.test(text);
  const well = !unwell && WELL.test(text);
  if (temperatures.length > 1) return { ok: false, reason: 'several_temperatures' };
  const temperature = temperatures[0] ?? null;
  if (temperature !== null && (temperature < TEMPERATURE_MIN || temperature > TEMPERATURE_MAX))
    return { ok: false, reason: 'temperature_out_of_range' };
  // Whatever is left besides the reading must be punctuation: "36.5 请问核酸在哪" is a question, not a check-in.
  const leftover = withoutWords
    .replace(/(?<![\d.])\d{2}(?:\s*(?:\.|点|度)\s*\d\d*)?\s*(?:度|°c|°|c)?(?![\d.])/gi, ' ')
    .replace(UNWELL, ' ')
    .replace(WELL, ' ')
    .replace(/[\s,，.。、;；:：!！~～\-—]+/g, '');
  if (temperature === null && !unwell && !well) return { ok: false, reason: 'no_reading' };
  if (leftover.length > 6) return { ok: false, reason: 'no_reading' };
  return {
    ok: true,
    temperature,
    well: !unwell && (temperature === null || temperature < feverFrom()),
    persons,
  };
}
