/**
 * Text helpers of the cash-application matcher: how names, accounts and document numbers are
 * compared, and which tokens of a remittance text may be document numbers. Pure functions, no
 * state; everything here runs once per bank line (or once per item when the index is built), so
 * it avoids per-call allocations where that is cheap to do.
 */
import { isIban } from '../../../shared/iban.ts';

// ---------------------------------------------------------------------------
// Plain text
// ---------------------------------------------------------------------------

/** Letters that Unicode does not decompose into a base letter plus a mark. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  Æ: 'AE',
  Œ: 'OE',
  Ø: 'O',
  Ł: 'L',
  Đ: 'D',
  Þ: 'TH',
  ẞ: 'SS',
};
const SPECIAL_PATTERN = /[ÆŒØŁĐÞẞ]/g;

/**
 * Upper case, accents stripped (É → E, Ü → U, ß → SS), every run of characters other than
 * A–Z and 0–9 turned into one space, trimmed. Dots and apostrophes are dropped rather than
 * turned into spaces so that "S.A." and "O'Brien" stay one token ("SA", "OBRIEN").
 */
export function normalizeText(text: string): string {
  const plain = ASCII.test(text) ? text : text.normalize('NFKD').replace(/\p{M}+/gu, '');
  return plain
    .toUpperCase()
    .replace(SPECIAL_PATTERN, (letter) => SPECIAL_LETTERS[letter] ?? letter)
    .replace(/[.'’`]/g, '')
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}
const ASCII = /^[\x20-\x7e]*$/;

// ---------------------------------------------------------------------------
// Company names
// ---------------------------------------------------------------------------

/**
 * Legal-form words and their canonical spelling, stripped from the end of a name (repeatedly:
 * "GMBH & CO KG", "CO LTD"). Only trailing ones are removed, so a name that merely contains
 * "CO" or "AS" keeps it. Connectors inside a legal form ("GMBH U. CO KG") map to "".
 */
// prettier-ignore
const LEGAL_FORM_WORDS: ReadonlyMap<string, string> = new Map([
  ['GMBH', 'GMBH'], ['MBH', 'GMBH'], ['GESELLSCHAFT', 'GMBH'], ['AG', 'AG'], ['KG', 'KG'],
  ['COKG', 'CO KG'], ['KGAA', 'KGAA'], ['OHG', 'OHG'], ['UG', 'UG'], ['EK', 'EK'], ['GBR', 'GBR'],
  ['SE', 'SE'], ['LLC', 'LLC'], ['LLP', 'LLP'], ['LP', 'LP'], ['INC', 'INC'],
  ['INCORPORATED', 'INC'], ['LTD', 'LTD'], ['LIMITED', 'LTD'], ['PLC', 'PLC'], ['CO', 'CO'],
  ['COMPANY', 'CO'], ['CORP', 'CORP'], ['CORPORATION', 'CORP'], ['PTY', 'PTY'], ['SA', 'SA'],
  ['SAS', 'SAS'], ['SARL', 'SARL'], ['SRL', 'SRL'], ['SPA', 'SPA'], ['SL', 'SL'], ['BV', 'BV'],
  ['NV', 'NV'], ['VOF', 'VOF'], ['AB', 'AB'], ['AKTIEBOLAG', 'AB'], ['AS', 'AS'], ['ASA', 'ASA'],
  ['APS', 'APS'], ['OY', 'OY'], ['OYJ', 'OYJ'], ['KFT', 'KFT'], ['SP', 'SPZOO'], ['Z', 'SPZOO'],
  ['OO', 'SPZOO'], ['ZOO', 'SPZOO'], ['LTDA', 'LTDA'], ['CIA', 'CIA'], ['CIE', 'CIE'],
  ['AND', ''], ['U', ''], ['UND', ''], ['ET', ''],
]);

/** The legal-form words {@link nameTokens} strips ("GMBH", "INC", ...). */
export const LEGAL_SUFFIXES: ReadonlySet<string> = new Set(LEGAL_FORM_WORDS.keys());

/**
 * Words that say little about who a company is; they count a third as much as other words in
 * {@link nameSimilarity} ("Summit Logistics" vs "Summit Logistics Group" stays close).
 */
const WEAK_NAME_TOKENS: ReadonlySet<string> = new Set([
  'THE',
  'AND',
  'UND',
  'ET',
  'OF',
  'DE',
  'GROUP',
  'GRUPPE',
  'HOLDING',
  'HOLDINGS',
  'SERVICES',
  'INTERNATIONAL',
  'INTL',
  'PARTNERS',
]);

const UMLAUT_SPELLING = /([AOU])E/g;

/** A company name split for comparison: its words, and its legal form in canonical spelling. */
export type NameParts = {
  tokens: string[];
  form: string;
  /**
   * A bank's name field is full (27, 35 or 70 characters) and its form is one word of up to
   * three letters: that word may be what the cut left of a longer word ("GEBAEUDEREINIGUNG
   * KRAUSE SE" of "… Service"), so the name is also read with it as a word, cut
   * ({@link cutReading}).
   */
  cutWord?: string;
};

/** Lengths of the name fields banks cut payer names to (SEPA/DTAUS 27, MT940 35, camt 70). */
const BANK_NAME_FIELD_LENGTHS: ReadonlySet<number> = new Set([27, 35, 70]);
/** Longest form word that may be a cut fragment ("SE", "CO", "AG"). */
const MAX_FRAGMENT_FORM = 3;

/**
 * The best similarity a name reaches only in its {@link cutReading}: a medium payer at most, and
 * no strong one's rival ("JOHNSON BROTHERS TRADING CO" may be a whole name, not "… Consultants").
 */
export const CUT_READING_MAX = 0.91;

/** The other reading of a name with a {@link NameParts.cutWord}: the word kept, no form. */
export function cutReading(parts: NameParts): NameParts | null {
  return parts.cutWord === undefined
    ? null
    : { tokens: [...parts.tokens, parts.cutWord], form: '' };
}

/**
 * Splits a company name: words without the trailing legal form (at least one word stays), a
 * leading "THE" dropped, spaced initials joined ("B V" → "BV"), and Ä/Ö/Ü written as AE/OE/UE
 * compared as A/O/U (banks use both spellings; the same is done on both sides). The legal
 * form comes out canonical: "Gesellschaft mbH" → "GMBH", "GMBH U. CO KG" → "GMBH CO KG".
 */
export function splitName(name: string): NameParts {
  const tokens = nameWords(name);
  if (tokens.length === 0) return { tokens: [], form: '' };
  if (tokens.length > 1 && tokens[0] === 'THE') tokens.shift();
  while (
    tokens.length > 2 &&
    tokens[tokens.length - 1]!.length === 1 &&
    tokens[tokens.length - 2]!.length === 1
  ) {
    const last = tokens.pop()!;
    tokens[tokens.length - 1] += last;
  }
  const form: string[] = [];
  const words = tokens.length;
  const last = tokens[words - 1]!;
  while (tokens.length > 1 && LEGAL_FORM_WORDS.has(tokens[tokens.length - 1]!)) {
    const canonical = LEGAL_FORM_WORDS.get(tokens.pop()!)!;
    if (canonical !== '' && form[0] !== canonical) form.unshift(canonical);
  }
  for (let i = 0; i < tokens.length; i++) tokens[i] = withoutUmlautSpelling(tokens[i]!);
  const parts: NameParts = { tokens, form: form.length === 1 ? form[0]! : form.join(' ') };
  if (
    tokens.length === words - 1 &&
    last.length <= MAX_FRAGMENT_FORM &&
    BANK_NAME_FIELD_LENGTHS.has(name.trim().length)
  ) {
    parts.cutWord = last;
  }
  return parts;
}

/** "MUELLER" → "MULLER": AE, OE and UE read as A, O and U (see {@link splitName}). */
function withoutUmlautSpelling(token: string): string {
  let k = token.indexOf('E', 1);
  while (k > 0) {
    const before = token.charCodeAt(k - 1);
    if (before === 65 || before === 79 || before === 85)
      return token.replace(UMLAUT_SPELLING, '$1');
    k = token.indexOf('E', k + 1);
  }
  return token;
}

/**
 * The words of {@link normalizeText}: `normalizeText(text).split(' ')`, without empty words, but
 * read in one pass over the text (characters outside ASCII are folded one by one, see
 * {@link foldLetters}), which is several times faster.
 */
export function nameWords(text: string): string[] {
  const words = asciiWords(text) ?? asciiWords(foldLetters(text));
  if (words !== null) return words;
  const normalized = normalizeText(text);
  return normalized === '' ? [] : normalized.split(' ');
}

/**
 * The words of {@link normalizeText} for a name in ASCII, read in one pass (names are split for
 * every customer when the index is built and for every new payer name): letters and digits, upper
 * case, dots and apostrophes dropped, anything else a separator. Null for other text, which
 * takes normalizeText (accents, special letters).
 */
function asciiWords(text: string): string[] | null {
  const words: string[] = [];
  let start = -1;
  /** the word so far has lower case letters or dropped characters */
  let rewrite = false;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    if (code >= 128) return null;
    if (isWordCode(code)) {
      if (start < 0) start = i;
      if (code >= 97) rewrite = true;
    } else if (code === 46 || code === 39 || code === 96) {
      // . ' ` are dropped: "S.A." is one word
      if (start >= 0) rewrite = true;
    } else if (start >= 0) {
      const word = text.slice(start, i);
      words.push(rewrite ? word.toUpperCase().replace(DROPPED, '') : word);
      start = -1;
      rewrite = false;
    }
  }
  return words;
}
const DROPPED = /[.'`]/g;

/** Non-ASCII characters as {@link normalizeText} reads them, worked out once per character. */
const FOLDED = new Map<number, string>();
const SURROGATES = /[\uD800-\uDFFF]/;

/**
 * One character as normalizeText reads it, before runs of separators are joined: "Ö" → "O",
 * "Æ" → "AE", "’" and combining marks → "" (dropped), "½" → "1 2", other signs → " ".
 */
function foldCharacter(character: string): string {
  return character
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(SPECIAL_PATTERN, (letter) => SPECIAL_LETTERS[letter] ?? letter)
    .replace(/[.'’`]/g, '')
    .replace(/[^A-Z0-9]/g, ' ');
}

/**
 * The text with every character outside ASCII replaced by what normalizeText makes of it (its
 * letters without accents, upper case; a space for anything that is no letter or digit), so
 * that {@link asciiWords} can read it. Decomposing character by character gives what the whole
 * text gives once the combining marks are dropped; characters outside the Basic Multilingual
 * Plane are left to normalizeText.
 */
function foldLetters(text: string): string {
  if (SURROGATES.test(text)) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) continue;
    let folded = FOLDED.get(code);
    if (folded === undefined) {
      folded = foldCharacter(text[i]!);
      FOLDED.set(code, folded);
    }
    out += text.slice(from, i) + folded;
    from = i + 1;
  }
  return out + text.slice(from);
}

function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** The words of a company name without its legal form (see {@link splitName}). */
export function nameTokens(name: string): string[] {
  return splitName(name).tokens;
}

/**
 * True when the legal form on a bank line (`bank`) says it is another company than a known name
 * with form `known`: both known and the bank's form is not the known one or its beginning. A
 * bank may cut "GMBH & CO KG" to "GMBH", but it does not add "& CO KG" to a "GMBH": "Müller GmbH
 * & Co. KG" is another company than "Müller GmbH" (often its partner, but not the debtor), and
 * "GMBH" and "SARL" are different companies.
 */
export function legalFormsConflict(bank: string, known: string): boolean {
  if (bank === '' || known === '' || bank === known) return false;
  return !`${known} `.startsWith(`${bank} `);
}

/** {@link nameTokens} joined by single spaces: "Müller GmbH & Co. KG" → "MULLER". */
export function normalizeName(name: string): string {
  return nameTokens(name).join(' ');
}

// ---------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------

/** IBAN or account number without spaces, dashes, dots or slashes, upper case. */
export function normalizeAccount(account: string): string {
  // most accounts arrive normalized already: check before making a new string
  for (let i = 0; i < account.length; i++) {
    const code = account.charCodeAt(i);
    if (!((code >= 48 && code <= 57) || (code >= 65 && code <= 90))) {
      return account.toUpperCase().replace(/[^A-Z0-9]/g, '');
    }
  }
  return account;
}

/** Shortened for evidence text: "DE89370400440532013000" → "DE89…3000". */
export function maskAccount(account: string): string {
  const normalized = normalizeAccount(account);
  return normalized.length <= 10 ? normalized : `${normalized.slice(0, 4)}…${normalized.slice(-4)}`;
}

// ---------------------------------------------------------------------------
// Document numbers
// ---------------------------------------------------------------------------

/**
 * A document number split for comparison: the letters before the digits and the digits
 * without leading zeros. "INV-000123" → { prefix: "INV", core: "123" }; "2024/0042" →
 * { prefix: "", core: "20240042" }. Digits are taken from the whole number, in order.
 */
export type DocumentKey = { prefix: string; core: string };

export function documentKey(number: string): DocumentKey {
  // a plain loop: this runs once per open item when the index is built (a million of them)
  const upper = number.toUpperCase();
  let prefix = '';
  let digits = '';
  for (let i = 0; i < upper.length; i++) {
    const code = upper.charCodeAt(i);
    if (isDigit(code)) digits += upper[i];
    else if (digits === '' && code >= 65 && code <= 90) prefix += upper[i];
  }
  return { prefix, core: stripZeros(digits) };
}

function stripZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return digits.slice(i);
}

/** A token of remittance text that may name a document (or PO, or customer number). */
export type RemittanceReference = {
  /** the text as written, prefix included when one was attached or just before it */
  written: string;
  /** letters written before the digits ("INV"), or the prefix carried over in a list */
  prefix: string;
  /** the digits without leading zeros, letters that OCR confuses read as digits */
  core: string;
};

/** Letters that scanners and typists confuse with digits, inside a run of digits. */
const OCR_DIGITS: Readonly<Record<string, string>> = {
  O: '0',
  D: '0',
  Q: '0',
  I: '1',
  L: '1',
  Z: '2',
  S: '5',
  G: '6',
  B: '8',
};

/** Dates (2026-03-10, 10.03.2026, 10/03/26) and decimal amounts (1,234.50, 1.234,50, 99.5). */
const NOT_A_REFERENCE =
  /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b|(?<![\d.,])\d{1,3}(?:[.,'’]\d{3})+[.,]\d{1,2}(?!\d)|(?<![\d.,])\d+[.,]\d{1,2}(?![\d.,])/g;
const MAYBE_DATE_OR_AMOUNT = /[0-9][.,'’/-][0-9]/;

/**
 * Numbers that look like document numbers but are part of something else a payer writes: an
 * IBAN written in groups of four or in one piece (masked only when its check digits hold), a
 * phone or fax number after its keyword or written with "+" and a country code, a postcode
 * after a street and house number ("Hauptstr. 5, 80331 München") or after "PLZ" or "D-", the
 * house number itself ("Hauptstr. 123", "12 Main Street", "12 rue de la Paix"), and a date
 * written without separators after a date word ("vom 20260310"). Read as references they
 * name whatever document happens to have those digits, at any customer. Upper-case text.
 */
const IBAN_WRITTEN =
  /\b[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)\b/g;
const PHONE_NUMBER =
  /\b(?:TEL|TELEFON|TELEPHONE|PHONE|FON|FAX|TELEFAX|MOBIL|MOBILE|HANDY|CELL)\b[.:]?[ ]*(?:NR[.:]?[ ]*)?[+(]?[0-9][0-9 ()/.-]{4,}[0-9]|(?<![A-Z0-9+])[+][0-9]{1,3}[ ()/.-]*[0-9][0-9 ()/.-]{5,}[0-9]/g;
/** A German street ("Hauptstraße", "Mühlenweg", "Am Ring"); "…ring" alone is too common a word end. */
const GERMAN_STREET = String.raw`(?:[A-Z]*(?:STR|STRASSE|WEG|GASSE|PLATZ|ALLEE|DAMM|UFER)|RING)`;
const POSTCODE = new RegExp(
  [
    // "Hauptstr. 5 80331 München", "Am Ring 7-9, D-50667 Köln"
    String.raw`\b${GERMAN_STREET}\b[.]?[ ]{0,3}[0-9]{1,4}[A-Z]?(?:[ ]{0,2}[-/][ ]{0,2}[0-9]{1,4}[A-Z]?)?[ ]{0,3},?[ ]{0,3}(?:(?:D|A|CH|F|B|L|NL|DK|FL)-)?([0-9]{4,5})(?=[ ,]+\p{L})`,
    // "12 Baker Street, 80331 London", "12 rue de la Paix, 75002 Paris"
    String.raw`\b(?:STREET|ROAD|AVENUE|LANE|DRIVE|ST|RD|AVE|RUE|BOULEVARD|BD|CHEMIN|PLACE)\b[A-Z .]{0,40},[ ]{0,3}([0-9]{4,5})(?=[ ,]+\p{L})`,
    // "PLZ 80331", "D-80331 München", "CH-8001 Zürich" ("D-10234" alone may be a document)
    String.raw`\bPLZ[.:]?[ ]*([0-9]{4,5})\b|\b(?:D|CH)-([0-9]{4,5})(?=[ ,]+\p{L})`,
  ].join('|'),
  'gu',
);
/** A house number: "5", "12a", "7-9". */
const HOUSE_NUMBER = String.raw`[0-9]{1,5}[A-Z]?(?:[ ]*[-/][ ]*[0-9]{1,4}[A-Z]?)?`;
const HOUSE_NUMBER_AFTER = new RegExp(
  // "Hauptstr. 5", "Am Ring 7-9" (the number comes after the street)
  String.raw`\b${GERMAN_STREET}\b[.]?[ ]{0,3}(${HOUSE_NUMBER})\b`,
  'g',
);
/** A house number written first has at most four digits ("1600 Pennsylvania Ave"). */
const HOUSE_NUMBER_FIRST = String.raw`[0-9]{1,4}[A-Z]?(?:[ ]*[-/][ ]*[0-9]{1,4}[A-Z]?)?`;
/** …and is not a number right after a document word ("RE 4711 Krankenhaus St. Elisabeth"), */
const NOT_AFTER_PREFIX = String.raw`(?<!\b(?:INV|INVOICE|INVOICES|RE|RG|RECHNUNG|RECHNUNGEN|FACTURE|FACTURES|FACTUUR|BILL|REF|NR|NO)\b[ .:#-]*)`;
/** …nor the last of a list of numbers ("RE 4711 4712 Pfarramt St. Peter"). */
const NOT_IN_LIST = String.raw`(?<![0-9][ ]*(?:[,;&/+]|\bUND\b|\bAND\b)?[ ]*)`;
const HOUSE_NUMBER_BEFORE = new RegExp(
  [
    // "12 Main Street", "1600 Pennsylvania Ave" (the number comes first)
    String.raw`${NOT_AFTER_PREFIX}${NOT_IN_LIST}\b(${HOUSE_NUMBER_FIRST})[ ]+(?:[A-Z]+[ ]+){1,3}(?:STREET|ROAD|AVENUE|LANE|DRIVE|ST|RD|AVE|BLVD|WAY)\b`,
    // "12 rue de la Paix", "12, avenue Foch"
    String.raw`${NOT_AFTER_PREFIX}\b(${HOUSE_NUMBER_FIRST})[ ]*,?[ ]*(?:RUE|AVENUE|BOULEVARD|BD|CHEMIN|PLACE|ALLEE)\b`,
  ].join('|'),
  'g',
);
const DAY_MONTH = String.raw`(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])`;
const YEAR_MONTH_DAY = String.raw`(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])`;
const COMPACT_DATE = new RegExp(
  [
    // yyyymmdd or ddmmyyyy after any date word
    String.raw`\b(?:VOM|DATUM|DATE|DATED|AM|ON|DU|DEL|PER)\b[.:]?[ ]*(${YEAR_MONTH_DAY}|${DAY_MONTH}(?:19|20)[0-9]{2})\b`,
    // ddmmyy only after a word that is nothing but a date word (six digits are often invoices)
    String.raw`\b(?:VOM|DATUM|DATE|DATED)\b[.:]?[ ]*(${DAY_MONTH}[0-9]{2})\b`,
  ].join('|'),
  'g',
);
/** What each of those needs; one test per text keeps most lines away from the patterns. */
const MAYBE_NON_REFERENCE =
  /[A-Z]{2}[0-9]{2}[ A-Z0-9]{11}|TEL|FON|FAX|MOBIL|HANDY|CELL|[+][0-9]|STR|WEG|GASSE|PLATZ|ALLEE|RING|DAMM|UFER|ROAD|AVENUE|LANE|DRIVE|RUE|BOULEVARD|CHEMIN|PLACE|WAY|BLVD|\b(?:ST|RD|AVE|BD|PLZ|D|CH|VOM|DATUM|DATE|DATED|AM|ON|DU|DEL|PER)\b/;

/** Blanked with a character that is neither a word nor a joiner: a list does not go on across it. */
function blank(text: string): string {
  return '\u0001'.repeat(text.length);
}

/** Blanks a match's last `tail` characters (the number after its context). */
function blankTail(match: string, tail: string): string {
  return match.slice(0, match.length - tail.length) + blank(tail);
}

/**
 * Blanks an IBAN written in one piece or in groups; a group the pattern took from a number
 * written after it ("AT61 1904 3002 3457 3201 4711") is given back.
 */
function blankIban(match: string): string {
  let end = match.length;
  while (end >= 15) {
    const candidate = match.slice(0, end);
    if (isIban(candidate.replace(/ /g, ''))) return blank(candidate) + match.slice(end);
    end = candidate.lastIndexOf(' ');
  }
  return match;
}

/** Blanks a match's first `head` characters (the number before its context). */
function blankHead(match: string, head: string): string {
  return blank(head) + match.slice(head.length);
}

/** {@link extractReferences}' text with the numbers of addresses, phones, IBANs and dates blanked. */
function withoutNonReferences(upper: string): string {
  if (!MAYBE_NON_REFERENCE.test(upper)) return upper;
  return upper
    .replace(IBAN_WRITTEN, blankIban)
    .replace(PHONE_NUMBER, blank)
    .replace(POSTCODE, (m, german?: string, western?: string, plz?: string, country?: string) =>
      blankTail(m, (german ?? western ?? plz ?? country)!),
    )
    .replace(HOUSE_NUMBER_AFTER, (m, number: string) => blankTail(m, number))
    .replace(HOUSE_NUMBER_BEFORE, (m, english?: string, french?: string) =>
      blankHead(m, (english ?? french)!),
    )
    .replace(COMPACT_DATE, (m, long?: string, short?: string) => blankTail(m, (long ?? short)!));
}
/** Fewest digits a bare number needs to count as a reference; with a prefix attached, 2. */
const MIN_BARE_DIGITS = 3;
/** More digits than this is an id, an IBAN or a phone number, not a document number. */
const MAX_DIGITS = 12;
/** Longest word taken as a prefix written before a number ("RECHNUNG", "INVOICE"). */
const MAX_PREFIX_LENGTH = 8;
/** Words that may stand between a prefix and its number, or inside a list of numbers. */
const TRANSPARENT_WORDS: ReadonlySet<string> = new Set(['NO', 'NR', 'NUMBER', 'AND', 'UND']);
/** Characters that may stand between a prefix and its number, or between listed numbers. */
const JOINERS = charTable(' \t\r\n-#:.,;/&+*');
const WORD_CHARS = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');

function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const ch of chars) table[ch.charCodeAt(0)] = 1;
  return table;
}

function isWordChar(code: number): boolean {
  return code < 128 && WORD_CHARS[code] === 1;
}

/**
 * The tokens of a remittance text that may be document numbers, in order of appearance and
 * without duplicates (same prefix and core). Dates and decimal amounts are skipped. Examples:
 * - "INV-000123" → INV/123; "Inv#00123" → INV/123; "Rechnung 4711" → RECHNUNG/4711;
 * - "RE: 123 124 125" → RE/123, RE/124, RE/125 (a prefix carries over a list);
 * - "INV-0OO123" → INV/123 (O read as 0); "paid 1,234.50 on 10.03.2026" → nothing.
 * A hand-written scanner: it runs for every bank line.
 *
 * `ends`, when given, receives where each reference ends in `text` (the index after its last
 * character), one per reference returned — unless reading it changed the text's length ("ß",
 * some upper-case letters), when positions in `text` are not known and it is left empty.
 */
export function extractReferences(text: string | null, ends?: number[]): RemittanceReference[] {
  if (!text) return [];
  // the scanner works on upper case; "ß" would become "SS" and shift every later position
  const base = text.includes('ß') ? text.replace(/ß/g, 'ss') : text;
  let upper = base.toUpperCase();
  const source = upper.length === base.length ? base : upper;
  const positions = ends !== undefined && upper.length === text.length ? ends : undefined;
  // dates and amounts need a digit, a separator and a digit; most texts have neither
  if (MAYBE_DATE_OR_AMOUNT.test(upper)) {
    upper = upper.replace(NOT_A_REFERENCE, (m) => ' '.repeat(m.length));
  }
  upper = withoutNonReferences(upper);
  const found: RemittanceReference[] = [];
  const seen = new Set<string>();
  let prefix = '';
  /** where the prefix word starts while it is the last word seen, else -1 */
  let prefixWordStart = -1;
  let lastEnd = -1;
  const n = upper.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isWordChar(upper.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && isWordChar(upper.charCodeAt(i))) i++;
    const end = i;
    const word = upper.slice(start, end);
    const joined = lastEnd >= 0 && isJoiner(upper, lastEnd, start);
    const parsed = parseWord(word, joined && prefix !== '');
    // "Invoice No. 123", "123 and 124": such words neither end a list nor become a prefix
    if (!parsed && joined && prefix !== '' && TRANSPARENT_WORDS.has(word)) continue;
    lastEnd = end;
    if (!parsed) {
      const isPrefix = word.length <= MAX_PREFIX_LENGTH && word !== 'AND' && word !== 'UND';
      prefix = isPrefix ? word : '';
      prefixWordStart = isPrefix ? start : -1;
      continue;
    }
    const carried = parsed.prefix === '' && joined && prefix !== '';
    const refPrefix = carried ? prefix : parsed.prefix;
    const minDigits = refPrefix === '' ? MIN_BARE_DIGITS : 2;
    if (parsed.core.length >= minDigits && parsed.digits <= MAX_DIGITS) {
      const key = `${refPrefix}/${parsed.core}`;
      if (!seen.has(key)) {
        seen.add(key);
        const from = carried && prefixWordStart >= 0 ? prefixWordStart : start;
        const written = source.slice(from, end).trim();
        found.push({ written, prefix: refPrefix, core: parsed.core });
        positions?.push(end);
      }
    }
    prefix = refPrefix;
    prefixWordStart = -1;
  }
  return found;
}

/** Only joiner characters, and at most one transparent word, between `from` and `to`. */
function isJoiner(s: string, from: number, to: number): boolean {
  let words = 0;
  let k = from;
  while (k < to) {
    const code = s.charCodeAt(k);
    if (isWordChar(code)) {
      let e = k;
      while (e < to && isWordChar(s.charCodeAt(e))) e++;
      if (words++ > 0 || !TRANSPARENT_WORDS.has(s.slice(k, e))) return false;
      k = e;
    } else if (code < 128 && JOINERS[code] === 1) k++;
    else return false;
  }
  return true;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Splits one word into letters and a number, reading OCR-confused letters inside the number as
 * digits ("0OO123" → 000123) when at most two letters need it and digits are the majority.
 * Right after a prefix word ("INV-O00123") leading confusable letters are read as digits too.
 * Null when the word has no digits.
 */
function parseWord(
  word: string,
  afterPrefix: boolean,
): { prefix: string; core: string; digits: number } | null {
  let firstDigit = 0;
  while (firstDigit < word.length && !isDigit(word.charCodeAt(firstDigit))) firstDigit++;
  if (firstDigit === word.length) return null;
  let letters = word.slice(0, firstDigit);
  let tail = word.slice(firstDigit);
  if (afterPrefix && letters.length > 0 && letters.length <= 2 && allConfusable(letters)) {
    tail = letters + tail;
    letters = '';
  }
  let folded = '';
  let foldedLetters = 0;
  let realDigits = 0;
  for (const ch of tail) {
    const digit = isDigit(ch.charCodeAt(0)) ? ch : OCR_DIGITS[ch];
    if (digit === undefined) break;
    folded += digit;
    if (digit === ch) realDigits++;
    else foldedLetters++;
  }
  if (folded.length < tail.length || foldedLetters > 2 || foldedLetters * 2 > realDigits) {
    // letters that are not OCR slips ("4711X", "12AB34"): keep the leading digits only
    let k = 0;
    while (k < tail.length && isDigit(tail.charCodeAt(k))) k++;
    if (k === 0) return null;
    return { prefix: letters, core: stripZeros(tail.slice(0, k)), digits: k };
  }
  return { prefix: letters, core: stripZeros(folded), digits: folded.length };
}

function allConfusable(letters: string): boolean {
  for (const ch of letters) if (OCR_DIGITS[ch] === undefined) return false;
  return true;
}

/**
 * True when `a` becomes `b` by at most one edit: a substituted, inserted or deleted character,
 * or two adjacent characters swapped. Used on digit cores ("123456" vs "124356").
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    if (sameFrom(a, i + 1, b, i + 1)) return true; // substitution
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      sameFrom(a, i + 2, b, i + 2)
    ); // adjacent transposition
  }
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1); // deletion / insertion
}

/** a from index i equals b from index j (to their ends). */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}

// ---------------------------------------------------------------------------
// Name similarity
// ---------------------------------------------------------------------------

/** Scratch flags for {@link jaroWinkler}: names are short, so one buffer serves every call. */
const MAX_JW_LENGTH = 64;
const matchedA = new Uint8Array(MAX_JW_LENGTH);
const matchedB = new Uint8Array(MAX_JW_LENGTH);

/** Jaro-Winkler similarity of two strings (0..1), prefix bonus on up to 4 characters. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = Math.min(a.length, MAX_JW_LENGTH);
  const lb = Math.min(b.length, MAX_JW_LENGTH);
  if (la === 0 || lb === 0) return 0;
  matchedA.fill(0, 0, la);
  matchedB.fill(0, 0, lb);
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    const ch = a.charCodeAt(i);
    for (let j = from; j <= to; j++) {
      if (matchedB[j] || ch !== b.charCodeAt(j)) continue;
      matchedA[i] = 1;
      matchedB[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < la; i++) {
    if (!matchedA[i]) continue;
    while (!matchedB[j]) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++;
    j++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (
    prefix < 4 &&
    prefix < la &&
    prefix < lb &&
    a.charCodeAt(prefix) === b.charCodeAt(prefix)
  ) {
    prefix++;
  }
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Fewest letters of a word written shortened ("TECHN" for "TECHNIK"). */
const MIN_SHORTENED = 4;
/** A shortened word leaves out at least this many letters; one missing is a typo or a name. */
const MIN_LEFT_OUT = 2;
/** Trade words that names write with or without a plural S (singular, normalized). */
// prettier-ignore
const PLURAL_TRADE_WORDS: ReadonlySet<string> = new Set([
  'SOLUTION', 'INDUSTRIE', 'SYSTEM', 'PRODUCT', 'SERVICE', 'PARTNER', 'NETWORK', 'LOGISTIC',
  'ELECTRONIC', 'GRAPHIC', 'CONSULTANT', 'ENTERPRISE', 'HOLDING', 'BROTHER', 'ASSOCIATE',
  'COMMUNICATION', 'INVESTMENT', 'DESIGN', 'PROJECT', 'INSTRUMENT', 'COMPONENT', 'MATERIAL',
  'TOOL', 'PRODUKT', 'FOOD', 'MOTOR', 'TECHNIC', 'MECHANIC', 'PLASTIC', 'METAL', 'VENTURE',
]);
/** How alike a word and a longer word it begins are, when it is a shortening. */
const SHORTENED = 0.95;
/**
 * … and when it lacks only the last letter (but a trade word's plural S): a typo, or another
 * name ("SCHMID").
 */
const LAST_LETTER_MISSING = 0.9;

/**
 * How alike two words of a name are: equal 1; shortened (4+ letters that begin a word 2+
 * letters longer: "TECHN", "INTERNAT") 0.95; a typo by Jaro-Winkler from 0.88. A word that only
 * begins another ("SUN" / "SUNRISE") is another word; one letter missing at the end
 * ("SCHMID" / "SCHMIDT") is 0.90: a typo, or another name; a trade word's plural S missing
 * ("SOLUTION" / "SOLUTIONS") is 0.95. Names cut by the bank are compared cut to the same
 * length instead ({@link preparedSimilarity}).
 */
function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  // different first letters: no prefix of the other; a typo then needs the second letter
  if (a.charCodeAt(0) !== b.charCodeAt(0)) {
    if (a.length < 4 || b.length < 4 || Math.abs(a.length - b.length) > 2) return 0;
    if (a.charCodeAt(1) !== b.charCodeAt(1)) return 0;
    const jw = jaroWinkler(a, b);
    return jw >= 0.88 ? jw : 0;
  }
  const short = a.length <= b.length ? a : b;
  const long = a.length <= b.length ? b : a;
  if (long.startsWith(short)) {
    if (short.length < MIN_SHORTENED) return 0;
    if (long.length - short.length >= MIN_LEFT_OUT) return SHORTENED;
    // "SOLUTION" / "SOLUTIONS": a plural of a trade word; "PETER" / "PETERS" are two names
    return long.charCodeAt(long.length - 1) === 83 && PLURAL_TRADE_WORDS.has(short)
      ? SHORTENED
      : LAST_LETTER_MISSING;
  }
  if (short.length < 4 || long.length - short.length > 2) return 0;
  // a typo keeps the first or the second letter; skipping other pairs saves most of the work
  if (a.charCodeAt(0) !== b.charCodeAt(0) && a.charCodeAt(1) !== b.charCodeAt(1)) return 0;
  const jw = jaroWinkler(a, b);
  return jw >= 0.88 ? jw : 0;
}

function tokenWeight(token: string): number {
  return WEAK_NAME_TOKENS.has(token) ? 0.3 : 1;
}

/**
 * Similarity of two company names, 0..1, on their {@link nameTokens}: a weighted soft Jaccard
 * (each word of the shorter name paired with its most similar unused word of the other; words
 * like GROUP count less). Bank lines often cut names at 27 or 35 characters, so when the first
 * name (the bank's) is long and the second is longer, the second is also compared cut to the
 * same length, and the better figure wins. Order-insensitive for equal-length names.
 */
export function nameSimilarity(bankName: string, customerName: string): number {
  const bank = splitName(bankName);
  const known = prepareName(nameTokens(customerName));
  const similarity = preparedSimilarity(prepareName(bank.tokens), known, mayBeCut(bank));
  const cut = cutReading(bank);
  if (cut === null) return similarity;
  const asCut = Math.min(CUT_READING_MAX, preparedSimilarity(prepareName(cut.tokens), known));
  return Math.max(similarity, asCut);
}

/**
 * Whether a bank's name may have been cut inside its words: one with a legal form (or the
 * beginning of one) kept its words whole, since the form comes last.
 */
export function mayBeCut(bankName: NameParts): boolean {
  return bankName.form === '';
}

/** Bank formats cut names at 27, 35 or 70 characters; shorter names are taken as written. */
const MIN_TRUNCATED_LENGTH = 20;
/** A name that only agrees up to the cut is not quite an equal name. */
const TRUNCATED_MAX = 0.96;

/** Name words with their weights and lengths, worked out once per known name or bank name. */
export type PreparedName = {
  tokens: readonly string[];
  weights: Float64Array;
  totalWeight: number;
  /** characters of the words joined by single spaces */
  length: number;
};

export function prepareName(tokens: readonly string[]): PreparedName {
  const weights = new Float64Array(tokens.length);
  let totalWeight = 0;
  let length = -1;
  tokens.forEach((token, i) => {
    weights[i] = tokenWeight(token);
    totalWeight += weights[i]!;
    length += token.length + 1;
  });
  return { tokens, weights, totalWeight, length: Math.max(0, length) };
}

/** {@link nameSimilarity} on names already split into tokens. */
export function tokenSetSimilarity(a: readonly string[], b: readonly string[]): number {
  return preparedSimilarity(prepareName(a), prepareName(b));
}

/**
 * {@link tokenSetSimilarity} on prepared names (the bank's first); `cut`: the bank's name may
 * have been cut ({@link mayBeCut}).
 */
export function preparedSimilarity(a: PreparedName, b: PreparedName, cut = true): number {
  if (a.tokens.length === 0 || b.tokens.length === 0) return 0;
  const full = softJaccard(a, b.tokens, b.weights, b.tokens.length, b.totalWeight);
  if (full === 1) return 1;
  if (comparedCut(a, b, cut)) {
    return Math.max(full, Math.min(TRUNCATED_MAX, truncatedSimilarity(a, b.tokens, a.length)));
  }
  return full;
}

/**
 * A bound that {@link preparedSimilarity} never exceeds, from the names' weights alone: the
 * shared weight is at most the lighter name's, so the soft Jaccard is at most lighter / heavier.
 * (1 when the second name may be compared cut to the first's length.)
 */
export function similarityCeiling(a: PreparedName, b: PreparedName, cut = true): number {
  if (comparedCut(a, b, cut)) return 1;
  const lighter = Math.min(a.totalWeight, b.totalWeight);
  const heavier = Math.max(a.totalWeight, b.totalWeight);
  return heavier > 0 ? lighter / heavier : 1;
}

/** The known name `b` is also compared cut to the length of the bank's `a`. */
function comparedCut(a: PreparedName, b: PreparedName, cut: boolean): boolean {
  return cut && a.length >= MIN_TRUNCATED_LENGTH && b.length > a.length;
}

/** Scratch words and weights of a name cut to a length (see {@link truncatedSimilarity}). */
const cutTokens: string[] = [];
const cutWeights = new Float64Array(MAX_JW_LENGTH);

/** {@link softJaccard} of `a` against the words of `tokens` cut to `length` characters. */
function truncatedSimilarity(a: PreparedName, tokens: readonly string[], length: number): number {
  let count = 0;
  let used = 0;
  let totalWeight = 0;
  for (const token of tokens) {
    if (used >= length) break;
    const room = length - used;
    const cut = token.length <= room ? token : token.slice(0, room);
    const weight = tokenWeight(cut);
    totalWeight += weight;
    if (count < MAX_JW_LENGTH) {
      cutTokens[count] = cut;
      cutWeights[count] = weight;
    }
    count++;
    used += token.length + 1;
  }
  return softJaccard(a, cutTokens, cutWeights, count, totalWeight);
}

/** Scratch flags for {@link softJaccard}: which words of the second name are taken. */
const usedWords = new Uint8Array(MAX_JW_LENGTH);

function softJaccard(
  a: PreparedName,
  bTokens: readonly string[],
  bWeights: Float64Array,
  bLength: number,
  bTotalWeight: number,
): number {
  const bCount = Math.min(bLength, MAX_JW_LENGTH);
  usedWords.fill(0, 0, bCount);
  let shared = 0;
  for (let i = 0; i < a.tokens.length; i++) {
    const token = a.tokens[i]!;
    let best = 0;
    let bestIndex = -1;
    for (let j = 0; j < bCount; j++) {
      if (usedWords[j]) continue;
      const s = tokenSimilarity(token, bTokens[j]!);
      if (s > best) {
        best = s;
        bestIndex = j;
        if (s === 1) break;
      }
    }
    if (bestIndex >= 0) {
      usedWords[bestIndex] = 1;
      shared += best * Math.min(a.weights[i]!, bWeights[bestIndex]!);
    }
  }
  return shared / (a.totalWeight + bTotalWeight - shared);
}
