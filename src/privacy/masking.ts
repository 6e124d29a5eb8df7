/**
 * Display masking for personal data shown to people who need to recognise a record but not
 * read the whole value. One star replaces each hidden character. ID numbers, phones and names
 * never come back whole, whatever the input; addresses hide digits only (see maskAddress).
 */

const STAR = '*';

/** Keeps `head` leading and `tail` trailing characters; hides everything if that would reveal it all. */
function keepEnds(characters: readonly string[], head: number, tail: number): string {
  if (head + tail >= characters.length) return STAR.repeat(characters.length);
  const hidden = characters.length - head - tail;
  return (
    characters.slice(0, head).join('') +
    STAR.repeat(hidden) +
    characters.slice(characters.length - tail).join('')
  );
}

/** Short inputs of unknown shape: show the last two characters at most. */
function keepLastTwo(characters: readonly string[]): string {
  return keepEnds(characters, 0, characters.length > 2 ? 2 : 0);
}

/**
 * `110101199003071234` → `1****************4`: the first and last character only, as payment
 * apps and JR/T 0171-2020 show them. Keeping the region code and the last four (the bank-form
 * style) plus a birth date rebuilds the whole number; with only the ends kept, someone who also
 * knows the region, birth year and sex still has about 16,000 numbers with a valid check
 * character to choose from (15-digit numbers: about 36,000). Anything that is not 15 or 18
 * characters keeps only its last two.
 */
export function maskIdNumber(value: string): string {
  // Code points, so a stray astral character is masked as one star, not two halves.
  const characters = Array.from(value.trim());
  if (characters.length === 18 || characters.length === 15) return keepEnds(characters, 1, 1);
  return keepLastTwo(characters);
}

const MOBILE = /^(\+?86)?(1\d{10})$/;
// Area codes 010 and 02x have three digits; every other 0xxx code has four.
const LANDLINE = /^(010|02\d|0[3-9]\d{2})(\d{7,8})$/;
const LOCAL_NUMBER = /^\d{7,8}$/;

/**
 * Mobiles `13812345678` → `138****5678` (a +86 prefix is kept); landlines
 * `0571-88123456` → `0571-****3456` (area code and last four); local numbers keep their last
 * four. Spaces and hyphens are dropped from recognised numbers; anything else keeps its last two.
 */
export function maskPhone(value: string): string {
  const trimmed = value.trim();
  const compact = trimmed.replace(/[\s\-()（）]/g, '');
  const mobile = MOBILE.exec(compact);
  if (mobile) {
    const prefix = mobile[1] ? `${mobile[1]} ` : '';
    return prefix + keepEnds(Array.from(mobile[2]!), 3, 4);
  }
  const landline = LANDLINE.exec(compact);
  if (landline) return `${landline[1]}-${keepEnds(Array.from(landline[2]!), 0, 4)}`;
  if (LOCAL_NUMBER.test(compact)) return keepEnds(Array.from(compact), 0, 4);
  return keepLastTwo(Array.from(trimmed));
}

// Separators between the parts of a name: spaces, the interpunct of transliterated names, hyphens.
const NAME_SEPARATOR = /^[\s·•・.-]$/;

/**
 * `张三丰` → `张**`; `John Smith` → `J*** *****`. Keeps the first character (the surname of
 * a Chinese name, the initial of a Latin one) and the separators; a single character is hidden.
 */
export function maskName(value: string): string {
  const characters = Array.from(value.trim());
  if (characters.length <= 1) return STAR.repeat(characters.length);
  return characters.map((c, i) => (i === 0 || NAME_SEPARATOR.test(c) ? c : STAR)).join('');
}

/*
 * Road-level markers: what comes before them (province … community, road name) is shown;
 * door, building and room numbers after the last one are hidden. 街道 (sub-district) also
 * ends in 道, which is harmless: the last marker wins.
 */
const ROAD_MARKERS = ['路', '街', '道', '巷', '弄', '胡同', '村'];
const DIGIT = /[0-9\uFF10-\uFF19]/g;

/**
 * `杭州市西湖区文三路478号华星大厦5幢1202室` → `杭州市西湖区文三路***号华星大厦*幢****室`.
 * Simple by design: hides every ASCII or full-width digit after the last road-level marker
 * (路 街 道 巷 弄 胡同 村), or every digit if there is none. Chinese numerals (十二栋) are left
 * as they are, so this is for display, not anonymisation.
 */
export function maskAddress(value: string): string {
  const trimmed = value.trim();
  let cut = 0;
  for (const marker of ROAD_MARKERS) {
    const at = trimmed.lastIndexOf(marker);
    if (at >= 0) cut = Math.max(cut, at + marker.length);
  }
  return trimmed.slice(0, cut) + trimmed.slice(cut).replace(DIGIT, STAR);
}
