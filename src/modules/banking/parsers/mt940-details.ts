/**
 * MT940 field :86: ("information to account owner"): free text in SWIFT, but most banks put a
 * structure in it. Two structures are read here, everything else is free text:
 *
 * - German (DFÜ-Abkommen / DK, also Polish and some Dutch banks): a 3-digit business transaction
 *   code, then `?NN` subfields (`>NN` at Triodos): ?00 posting text, ?10 prima nota, ?20–?29 and
 *   ?60–?63 purpose, ?30 bank code/BIC, ?31 account, ?32–?33 name, ?38 IBAN. SEPA purposes carry
 *   keys such as `EREF+` (end-to-end id) and `SVWZ+` (remittance text).
 * - Dutch (ING, Rabobank, ABN AMRO, Knab, …): `/KEY/value` pairs such as /NAME/, /REMI/, /IBAN/,
 *   /BIC/, /EREF/ and ING's /CNTP/account/bic/name/city/.
 *
 * Physical lines of a structured :86: are 65-character wraps of one logical string, so they are
 * joined without a separator (a subfield marker may itself be split over two lines). Values are
 * returned with runs of whitespace collapsed; the raw text stays with the caller.
 */

export type Mt940Details = {
  counterpartyName: string | null;
  counterpartyAccount: string | null;
  counterpartyBank: string | null;
  remittanceInfo: string | null;
  /** SEPA end-to-end reference (EREF), unless the bank wrote NOTPROVIDED */
  endToEndId: string | null;
  /** SEPA payment information id of a batch (Dutch /PREF/) */
  batchReference: string | null;
  /** customer reference of the German SEPA purpose (KREF+) */
  customerReference: string | null;
};

const NONE: Mt940Details = {
  counterpartyName: null,
  counterpartyAccount: null,
  counterpartyBank: null,
  remittanceInfo: null,
  endToEndId: null,
  batchReference: null,
  customerReference: null,
};

/** SWIFT text lines are at most 65 characters; a full line was wrapped, not ended. */
const SWIFT_LINE_WIDTH = 65;

/** GVC followed by the first subfield marker (`166?00…`, ` 020?00…`, `000>10…`) or GVC alone. */
const GERMAN_START = /^\s*(\d{3})(?:([?>])\d{2}|\s*$)/;
/** Subfield markers: `?NN`, or `>NN` at Triodos. */
const MARKERS: Readonly<Record<string, RegExp>> = { '?': /\?(\d{2})/g, '>': />(\d{2})/g };
/** Keys of the German SEPA purpose (Verwendungszweck) in ?20–?29. */
const SEPA_KEY = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+/g;

const DUTCH_KEYS = [
  'ACCW', 'ADDR', 'BBAN', 'BENM', 'BIC', 'CDTRREFTP', 'CDTRREF', 'CNTP', 'CSID', 'EREF', 'IBAN',
  'ISDT', 'MARF', 'NAME', 'ORDP', 'PREF', 'PURP', 'REMI', 'RTRN', 'SUM', 'TRTP', 'ULTB', 'ULTD',
]; // prettier-ignore
const DUTCH_KEY = new RegExp(`/(${DUTCH_KEYS.join('|')})/`, 'g');
const DUTCH_START = new RegExp(`^\\s*/(${DUTCH_KEYS.join('|')})/`);

/** Structured fields of one :86: given its physical lines (without the `:86:` tag). */
export function parseDetails(lines: readonly string[]): Mt940Details {
  const joined = lines.join('');
  const german = GERMAN_START.exec(joined);
  if (german) return germanDetails(joined, german[2] ?? '?');
  if (DUTCH_START.test(joined)) return dutchDetails(joined);
  return { ...NONE, remittanceInfo: freeText(lines) };
}

const WHITESPACE_RUN = /\s{2,}|[\t\n\r\f\v]/;

function clean(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const collapsed = WHITESPACE_RUN.test(value) ? value.replace(/\s+/g, ' ').trim() : value.trim();
  return collapsed === '' ? null : collapsed;
}

function endToEnd(value: string | undefined): string | null {
  const ref = clean(value);
  return ref === null || ref.toUpperCase() === 'NOTPROVIDED' ? null : ref;
}

/** Free text: wrapped full-width lines are glued back, shorter lines end a phrase. */
function freeText(lines: readonly string[]): string | null {
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const previous = i > 0 ? (lines[i - 1] ?? '') : '';
    text += i === 0 || previous.length >= SWIFT_LINE_WIDTH ? line : ` ${line}`;
  }
  return clean(text);
}

/** Start and end of each match of a global regex, in order. */
function matchesOf(
  pattern: RegExp,
  text: string,
): Array<{ key: string; start: number; end: number }> {
  const found: Array<{ key: string; start: number; end: number }> = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    found.push({ key: match[1] ?? '', start: match.index, end: match.index + match[0].length });
  }
  return found;
}

function germanDetails(joined: string, separator: string): Mt940Details {
  const subfields: Record<string, string> = {};
  let purpose = '';
  const markers = matchesOf(MARKERS[separator] ?? /\?(\d{2})/g, joined);
  for (let index = 0; index < markers.length; index++) {
    const { key, end } = markers[index] as { key: string; end: number };
    const value = joined.slice(end, markers[index + 1]?.start ?? joined.length);
    subfields[key] = (subfields[key] ?? '') + value;
    // ?20–?29 purpose, continued in ?60–?63
    if (key.charAt(0) === '2' || (key >= '60' && key <= '63')) purpose += value;
  }
  const sepa = sepaFields(purpose);
  return {
    counterpartyName: clean((subfields['32'] ?? '') + (subfields['33'] ?? '')),
    counterpartyAccount: clean(subfields['38']) ?? clean(subfields['31']),
    counterpartyBank: clean(subfields['30']),
    remittanceInfo: sepa ? clean(sepa.SVWZ ?? sepa['']) : clean(purpose),
    endToEndId: sepa ? endToEnd(sepa.EREF) : null,
    batchReference: null,
    customerReference: sepa ? clean(sepa.KREF) : null,
  };
}

/** Splits a SEPA purpose at its keys; `''` holds text before the first key. Null without keys. */
function sepaFields(text: string): Record<string, string> | null {
  if (!text.includes('+')) return null;
  const keys = matchesOf(SEPA_KEY, text);
  if (keys.length === 0) return null;
  const fields: Record<string, string> = { '': text.slice(0, keys[0]?.start ?? 0) };
  keys.forEach(({ key, end }, index) => {
    if (!(key in fields)) fields[key] = text.slice(end, keys[index + 1]?.start ?? text.length);
  });
  return fields;
}

function dutchDetails(joined: string): Mt940Details {
  const values = new Map<string, string>();
  const keys = matchesOf(DUTCH_KEY, joined);
  keys.forEach(({ key, end }, index) => {
    // ING separates pairs with `//`: the value keeps one trailing slash of it
    const value = joined.slice(end, keys[index + 1]?.start ?? joined.length).replace(/\/+\s*$/, '');
    if (!values.has(key)) values.set(key, value);
  });
  // ING: /CNTP/account/bic/name/city/
  const [cntpAccount, cntpBic, cntpName] = (values.get('CNTP') ?? '').split('/');
  const remittance = [remittanceText(values.get('REMI')), values.get('CDTRREF')]
    .map(clean)
    .filter((part): part is string => part !== null)
    .join(' ');
  return {
    counterpartyName: clean(values.get('NAME')) ?? clean(cntpName),
    counterpartyAccount:
      clean(values.get('IBAN')) ?? clean(cntpAccount) ?? clean(values.get('BBAN')),
    counterpartyBank: clean(values.get('BIC')) ?? clean(cntpBic),
    remittanceInfo: remittance === '' ? null : remittance,
    endToEndId: endToEnd(values.get('EREF')),
    batchReference: clean(values.get('PREF')),
    customerReference: null,
  };
}

/** ING writes /REMI/USTD//text/ (unstructured) or /REMI/STRD/CUR/reference/ (structured). */
function remittanceText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.replace(/^USTD\/\//, '').replace(/^STRD\/[A-Z]+\//, '');
}
