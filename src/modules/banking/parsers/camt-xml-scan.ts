/**
 * The fast XML reader, for the plain XML banks send: elements with ASCII names, quoted
 * attributes, text with the five predefined entities and character references, CDATA sections,
 * comments, an XML 1.0 declaration, LF or CRLF line ends. It finds markup with `indexOf` instead
 * of reading character by character, and makes no object per tag: a large statement reads
 * several times faster than through saxes.
 *
 * It gives up (returns false) at the first thing outside that subset or not well-formed: a
 * processing instruction, a DOCTYPE, a character XML forbids, a lone CR, a non-ASCII name, an
 * unknown entity, a mismatched tag, nesting deeper than MAX_DEPTH, and so on. The caller then
 * reads the file again from its start with saxes, which accepts what XML accepts and reports
 * errors where they are. So whatever this accepts, saxes accepts too, with the same events: the
 * two give the same tree.
 */
import { attributeKey, localName, MAX_DEPTH, type TreeBuilder } from './camt-xml-tree.ts';

/** Characters XML 1.0 forbids (but for lone surrogates), and a CR that is not part of CRLF. */
const UNSUPPORTED_CHARACTER = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|\r(?!\n)/;
/** Any surrogate (a one-byte string has none, which V8 knows without reading it)… */
const SURROGATE = /[\uD800-\uDFFF]/;
/** …and one that is not half of a pair, which XML forbids. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const S = '[ \\t\\r\\n]';
/** The XML declaration saxes accepts, for version 1.0 only (1.1 changes the rules). */
const DECLARATION = new RegExp(
  `<\\?xml${S}+version${S}*=${S}*(?:"1\\.0"|'1\\.0')` +
    `(?:${S}+encoding${S}*=${S}*(?:"[A-Za-z][\\w.-]*"|'[A-Za-z][\\w.-]*'))?` +
    `(?:${S}+standalone${S}*=${S}*(?:"(?:yes|no)"|'(?:yes|no)'))?${S}*\\?>`,
  'y',
);

const GREATER = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const EQUAL = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;

/** ASCII name characters: 2 = may start a name, 1 = may continue one. */
const NAME_CHARACTER = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
  const character = String.fromCharCode(code);
  if (/[A-Za-z_:]/.test(character)) NAME_CHARACTER[code] = 2;
  else if (/[0-9.-]/.test(character)) NAME_CHARACTER[code] = 1;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/** Room for the tag names of a file: a name whose slot is taken by another is simply re-read. */
const NAME_SLOTS = 512;

/**
 * Reads `source` into `tree`, or returns false (having built part of a tree, to be thrown away)
 * when saxes must read it.
 */
export function scanXml(source: string, tree: TreeBuilder): boolean {
  if (UNSUPPORTED_CHARACTER.test(source)) return false;
  if (SURROGATE.test(source) && LONE_SURROGATE.test(source)) return false;
  return new Scanner(source, tree).scan();
}

class Scanner {
  readonly #source: string;
  readonly #tree: TreeBuilder;
  /** Tag names seen, by a hash of their characters, and their local names. */
  readonly #rawNames: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS);
  readonly #localNames: string[] = new Array<string>(NAME_SLOTS);
  /** Attribute name → its key in the tree (null: a namespace declaration). */
  readonly #attributeKeys = new Map<string, string | null>();
  /** The attribute names of the tag being read (the first #tagAttributeCount), for duplicates. */
  readonly #tagAttributes: string[] = [];
  #tagAttributeCount = 0;
  /** Raw names of the open elements, to match closing tags. */
  readonly #open: string[] = [];
  #rootSeen = false;
  /** A hash of the characters of the name #nameEnd read last. */
  #nameHash = 0;
  /** Line of the next character to read and where the next line break is (-1: none left). */
  #line = 1;
  #nextLineBreak: number;

  constructor(source: string, tree: TreeBuilder) {
    this.#source = source;
    this.#tree = tree;
    this.#nextLineBreak = source.indexOf('\n');
  }

  scan(): boolean {
    const source = this.#source;
    let at = 0;
    if (source.startsWith('<?xml')) {
      DECLARATION.lastIndex = 0;
      if (!DECLARATION.test(source)) return false;
      at = DECLARATION.lastIndex;
    }
    for (;;) {
      const less = source.indexOf('<', at);
      const end = less < 0 ? source.length : less;
      if (end > at && !this.#text(at, end)) return false;
      if (less < 0) break;
      const next = source.charCodeAt(less + 1);
      if (next === SLASH) at = this.#closingTag(less);
      else if (next === BANG) at = this.#commentOrCdata(less);
      else at = this.#startTag(less);
      if (at < 0) return false;
    }
    return this.#rootSeen && this.#tree.depth < 0;
  }

  /** Text in [from, to): blank outside the document element, else given to the tree. */
  #text(from: number, to: number): boolean {
    const source = this.#source;
    let start = from;
    while (start < to && isSpace(source.charCodeAt(start))) start += 1;
    if (start === to) return true;
    if (this.#tree.depth < 0) return false;
    let end = to;
    while (isSpace(source.charCodeAt(end - 1))) end -= 1;
    let text = source.slice(start, end);
    if (text.includes(']]>')) return false;
    if (text.includes('\r')) text = text.replaceAll('\r\n', '\n');
    if (text.includes('&')) {
      const decoded = decodeEntities(text);
      if (decoded === null) return false;
      text = decoded;
    }
    this.#tree.text(text.trim());
    return true;
  }

  /** `<!-- … -->` or `<![CDATA[ … ]]>`: the offset after it, or -1 (a DOCTYPE among others). */
  #commentOrCdata(less: number): number {
    const source = this.#source;
    if (source.startsWith('!--', less + 1)) {
      // the first `--` must be the end: XML allows no other in a comment
      const dashes = source.indexOf('--', less + 4);
      if (dashes < 0 || source.charCodeAt(dashes + 2) !== GREATER) return -1;
      return dashes + 3;
    }
    if (source.startsWith('![CDATA[', less + 1) && this.#tree.depth >= 0) {
      const end = source.indexOf(']]>', less + 9);
      if (end < 0) return -1;
      // as saxes gives it: line ends read as LF, not trimmed
      this.#tree.text(source.slice(less + 9, end).replaceAll('\r\n', '\n'));
      return end + 3;
    }
    return -1;
  }

  /** `</name>` closing the innermost element: the offset after it, or -1. */
  #closingTag(less: number): number {
    const source = this.#source;
    const tree = this.#tree;
    if (tree.depth < 0) return -1;
    const name = this.#open[tree.depth] as string;
    if (!occursAt(source, name, less + 2)) return -1;
    let at = less + 2 + name.length;
    while (isSpace(source.charCodeAt(at))) at += 1;
    if (source.charCodeAt(at) !== GREATER) return -1;
    tree.close();
    return at + 1;
  }

  /** `<name attributes…>` or `<name …/>`: the offset after it, or -1. */
  #startTag(less: number): number {
    const source = this.#source;
    const tree = this.#tree;
    const nameStart = less + 1;
    const nameEnd = this.#nameEnd(nameStart);
    if (nameEnd < 0) return -1;
    if (tree.depth < 0 && this.#rootSeen) return -1; // a second document element
    if (tree.depth + 1 >= MAX_DEPTH) return -1; // saxes refuses it, with its line
    this.#rootSeen = true;
    const slot = this.#slotOf(nameStart, nameEnd);
    tree.open(this.#localNames[slot] as string, this.#lineAt(less));
    this.#open[tree.depth] = this.#rawNames[slot] as string;
    this.#tagAttributeCount = 0;
    let at = nameEnd;
    for (;;) {
      const spaceFrom = at;
      while (isSpace(source.charCodeAt(at))) at += 1;
      const code = source.charCodeAt(at);
      if (code === GREATER) return at + 1;
      if (code === SLASH) {
        if (source.charCodeAt(at + 1) !== GREATER) return -1;
        tree.close();
        return at + 2;
      }
      if (at === spaceFrom) return -1; // attributes are separated by white space
      at = this.#attribute(at);
      if (at < 0) return -1;
    }
  }

  /** `name = "value"` at `start`: the offset after it, or -1. */
  #attribute(start: number): number {
    const source = this.#source;
    const nameEnd = this.#nameEnd(start);
    if (nameEnd < 0) return -1;
    const name = source.slice(start, nameEnd);
    const seen = this.#tagAttributes;
    for (let index = 0; index < this.#tagAttributeCount; index += 1) {
      if (seen[index] === name) return -1; // a duplicate
    }
    seen[this.#tagAttributeCount++] = name;
    let at = nameEnd;
    while (isSpace(source.charCodeAt(at))) at += 1;
    if (source.charCodeAt(at) !== EQUAL) return -1;
    at += 1;
    while (isSpace(source.charCodeAt(at))) at += 1;
    const quote = source.charCodeAt(at);
    if (quote !== QUOTE && quote !== APOSTROPHE) return -1;
    const close = source.indexOf(quote === QUOTE ? '"' : "'", at + 1);
    if (close < 0) return -1;
    const value = attributeValue(source.slice(at + 1, close));
    if (value === null) return -1;
    let key = this.#attributeKeys.get(name);
    if (key === undefined) {
      key = attributeKey(name);
      this.#attributeKeys.set(name, key);
    }
    if (key !== null) this.#tree.attribute(key, value);
    return close + 1;
  }

  /**
   * The end of the ASCII name at `start`, or -1 when there is none or it is followed by a
   * character that cannot end a name (non-ASCII name characters among them).
   */
  #nameEnd(start: number): number {
    const source = this.#source;
    const first = source.charCodeAt(start);
    if (!(first < 128 && NAME_CHARACTER[first] === 2)) return -1;
    let hash = first;
    let at = start + 1;
    let code = source.charCodeAt(at);
    while (code < 128 && NAME_CHARACTER[code] !== 0) {
      hash = (hash * 31 + code) | 0;
      code = source.charCodeAt((at += 1));
    }
    this.#nameHash = hash;
    return isSpace(code) || code === GREATER || code === SLASH || code === EQUAL ? at : -1;
  }

  /** The slot of the tag name #nameEnd just read, filled with it if another name had it. */
  #slotOf(start: number, end: number): number {
    const source = this.#source;
    const slot = (this.#nameHash ^ (this.#nameHash >>> 9)) & (NAME_SLOTS - 1);
    const known = this.#rawNames[slot];
    if (known === undefined || known.length !== end - start || !occursAt(source, known, start)) {
      const raw = source.slice(start, end);
      this.#rawNames[slot] = raw;
      this.#localNames[slot] = localName(raw);
    }
    return slot;
  }

  /** 1-based line of the character at `offset` (offsets asked for only grow). */
  #lineAt(offset: number): number {
    const source = this.#source;
    let lineBreak = this.#nextLineBreak;
    while (lineBreak >= 0 && lineBreak < offset) {
      this.#line += 1;
      lineBreak = source.indexOf('\n', lineBreak + 1);
    }
    this.#nextLineBreak = lineBreak;
    return this.#line;
  }
}

/** Whether `part` occurs in `source` at `offset` (startsWith, without its overhead per call). */
function occursAt(source: string, part: string, offset: number): boolean {
  const length = part.length;
  if (offset + length > source.length) return false;
  for (let index = 0; index < length; index += 1) {
    if (source.charCodeAt(offset + index) !== part.charCodeAt(index)) return false;
  }
  return true;
}

/**
 * An attribute value as saxes gives it: tab and line breaks read as spaces, entities replaced;
 * null when it holds `<` or an entity this scanner leaves to saxes.
 */
function attributeValue(raw: string): string | null {
  if (raw.includes('<')) return null;
  let value = raw;
  if (/[\t\n\r]/.test(value)) value = value.replace(/\r\n|[\t\n]/g, ' ');
  return value.includes('&') ? decodeEntities(value) : value;
}

/** `&amp;` and the like, and character references; null for anything else after a `&`. */
function decodeEntities(raw: string): string | null {
  let result = '';
  let from = 0;
  for (let at = raw.indexOf('&'); at >= 0; at = raw.indexOf('&', from)) {
    const semicolon = raw.indexOf(';', at + 1);
    if (semicolon < 0) return null;
    const replacement = entityText(raw.slice(at + 1, semicolon));
    if (replacement === null) return null;
    result += raw.slice(from, at) + replacement;
    from = semicolon + 1;
  }
  return result + raw.slice(from);
}

/** The text of a predefined entity or a character reference (as saxes reads them), or null. */
function entityText(name: string): string | null {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  let code = NaN;
  if (name[1] === 'x' && /^#x[0-9a-f]+$/i.test(name)) code = parseInt(name.slice(2), 16);
  else if (/^#[0-9]+$/.test(name)) code = parseInt(name.slice(1), 10);
  const isXmlCharacter =
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return isXmlCharacter ? String.fromCodePoint(code) : null;
}
