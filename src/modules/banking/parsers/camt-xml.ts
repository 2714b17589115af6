/**
 * The XML layer of the camt parser: one streaming pass with saxes (which checks well-formedness
 * as it goes) builds a tree of plain objects, and small typed accessors read it. Knows nothing
 * about camt.
 *
 * The tree keeps every value as a string (no number guessing: "000123" stays "000123", amounts
 * stay exact), drops namespace prefixes (`<ns2:Ntry>` reads as `Ntry`), and puts attributes under
 * `@name` (namespace declarations left out). An element without attributes or children is its
 * trimmed text; one with attributes or children is an object, its text under `#text`. An element
 * that occurs once is a value, one that repeats is an array: the accessors below hide that
 * difference. The root is an object holding the document element (`root.Document`).
 *
 * A DOCTYPE is refused: bank files have none, and it is where entity tricks live. Entities other
 * than the five predefined ones and character references are never expanded.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { BankFileError } from './statement.ts';

export type XmlValue = string | XmlElement | XmlValue[];
export type XmlElement = { [name: string]: XmlValue | undefined };

/** Deeper nesting than any bank file has is an attack or a broken generator. */
const MAX_DEPTH = 100;

/**
 * Every element object is an ElementNode. Its prototype has no prototype of its own, so names
 * taken from the file (`__proto__`, `constructor`, `toString`) are plain own keys and an absent
 * child reads as undefined. The start line is a private field: invisible to `Object.keys`, JSON
 * and equality checks, and (unlike `Object.defineProperty`) cheap for millions of elements.
 */
class ElementNode {
  readonly #line: number;

  constructor(line: number) {
    this.#line = line;
  }

  static lineOf(value: object): number | null {
    return #line in value ? (value as ElementNode).#line : null;
  }
}
Object.setPrototypeOf(ElementNode.prototype, null);
Reflect.deleteProperty(ElementNode.prototype, 'constructor');

function newElement(line: number): XmlElement {
  return new ElementNode(line) as unknown as XmlElement;
}

/** A parsed XML document: its root and the start line of each element. */
export class XmlDocument {
  constructor(readonly root: XmlElement) {}

  /** 1-based line of the element's start tag, or null for a text-only element (a string). */
  lineOf(node: XmlValue | undefined): number | null {
    if (node === undefined || typeof node !== 'object' || Array.isArray(node)) return null;
    return ElementNode.lineOf(node);
  }
}

/**
 * Checks that `text` is well-formed XML and parses it, in one pass.
 * @throws BankFileError with the line and column where it stops being XML, or when it has a
 * DOCTYPE or elements nested deeper than {@link MAX_DEPTH}.
 */
export function readXml(text: string): XmlDocument {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return new XmlDocument(new TreeBuilder(source).build());
}

/**
 * Builds the tree from saxes events. The open elements live in parallel arrays indexed by depth
 * (0 = the document element); an element's object is made only once it has an attribute or a
 * child, so the many leaf elements cost a string and nothing more.
 */
class TreeBuilder {
  readonly #source: string;
  readonly #parser = new SaxesParser();
  readonly #root = newElement(1);
  #depth = -1;
  readonly #names: string[] = [];
  readonly #lines: number[] = [];
  readonly #nodes: (XmlElement | null)[] = [];
  readonly #texts: string[] = [];
  /** `ns2:Ntry` → `Ntry`, one string per tag name: property keys that V8 has seen before. */
  readonly #localNames = new Map<string, string>();
  /** The element saxes closed last: named when a closing tag does not match it. */
  #lastClosedName = '';
  #lastClosedLine = 0;
  /** Where the document element ends: stray text after it is reported where it starts. */
  #rootEnd = 0;
  /** Just after the last tag saxes reported: a bare `&` since then caused the error. */
  #mark = 0;

  constructor(source: string) {
    this.#source = source;
    const parser = this.#parser;
    parser.on('opentagstart', () => this.#start());
    parser.on('opentag', (tag) => this.#open(tag));
    parser.on('text', (chunk) => this.#text(chunk.trim()));
    parser.on('cdata', (chunk) => this.#text(chunk));
    parser.on('closetag', (tag) => this.#close(tag));
    parser.on('doctype', () => this.#refuse('a DOCTYPE is not allowed in a bank file'));
    parser.on('error', (error) => this.#fail(error.message.replace(/^\d+:\d+: /, '')));
  }

  build(): XmlElement {
    // saxes reports stray text where it ends; a file that is not XML at all is told at its start
    const first = /[^ \t\r\n]/.exec(this.#source.slice(0, 4096));
    if (first && first[0] !== '<') this.#failAt(first.index, 'text data outside of root node.');
    this.#parser.write(this.#source).close();
    return this.#root;
  }

  #start(): void {
    const depth = ++this.#depth;
    if (depth >= MAX_DEPTH) this.#refuse(`elements nested deeper than ${MAX_DEPTH}`);
    // saxes has read `<name` and the character after it: a line break there is already counted
    const parser = this.#parser;
    const after = this.#source.charCodeAt(parser.position - 1);
    this.#lines[depth] = after === 0x0a || after === 0x0d ? parser.line - 1 : parser.line;
  }

  #open(tag: SaxesTagPlain): void {
    const depth = this.#depth;
    this.#names[depth] = this.#localName(tag.name);
    this.#texts[depth] = '';
    let node: XmlElement | null = null;
    const attributes = tag.attributes;
    for (const key in attributes) {
      if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
      node ??= newElement(this.#lines[depth] as number);
      node[`@${localName(key)}`] = attributes[key];
    }
    this.#nodes[depth] = node;
    this.#mark = this.#parser.position;
  }

  #text(chunk: string): void {
    const depth = this.#depth;
    if (chunk !== '' && depth >= 0) this.#texts[depth] += chunk;
  }

  #close(tag: SaxesTagPlain): void {
    const depth = this.#depth--;
    const name = this.#names[depth] as string;
    const node = this.#nodes[depth];
    const text = (this.#texts[depth] as string).trim();
    this.#nodes[depth] = null;
    this.#lastClosedName = tag.name;
    this.#lastClosedLine = this.#lines[depth] as number;
    this.#mark = this.#parser.position;
    if (depth === 0) this.#rootEnd = this.#mark;
    let value: XmlValue = text;
    if (node) {
      if (text !== '') node['#text'] = text;
      value = node;
    }
    let parent = depth === 0 ? this.#root : this.#nodes[depth - 1];
    if (!parent) {
      parent = newElement(this.#lines[depth - 1] as number);
      this.#nodes[depth - 1] = parent;
    }
    const existing = parent[name];
    if (existing === undefined) parent[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else parent[name] = [existing, value];
  }

  #localName(raw: string): string {
    let name = this.#localNames.get(raw);
    if (name === undefined) {
      name = localName(raw);
      this.#localNames.set(raw, name);
    }
    return name;
  }

  /** A saxes well-formedness error, placed where the cause is when saxes notices it later. */
  #fail(reason: string): never {
    const parser = this.#parser;
    // saxes reads everything after a bare `&` up to the next `;` as an entity name, and fails
    // far from it (at that `;`, or at the end of the file)
    const stray = strayAmpersand(this.#source, this.#mark, parser.position);
    if (stray >= 0) this.#failAt(stray, "'&' starts no entity reference (write it as &amp;)");
    if (reason === 'text data outside of root node.' && this.#rootEnd > 0) {
      const text = /[^ \t\r\n]/.exec(this.#source.slice(this.#rootEnd, this.#rootEnd + 4096));
      if (text) this.#failAt(this.#rootEnd + text.index, reason);
    }
    if (reason === 'unexpected close tag.') {
      // saxes has just closed the open element, trying to match the closing tag to it
      const at = this.#source.lastIndexOf('</', parser.position - 1);
      const found = /^<\/([^\s>]*)/.exec(this.#source.slice(at, at + 200))?.[1] ?? '';
      this.#failAt(
        at,
        `closing tag '${found}' does not match '${this.#lastClosedName}' ` +
          `opened in line ${this.#lastClosedLine}`,
      );
    }
    const where = `line ${parser.line}, column ${Math.max(parser.column, 1)}`;
    throw new BankFileError(`Not a well-formed XML file: ${where}: ${reason}`, {
      line: parser.line,
    });
  }

  /** Fails at a character offset of the source (1-based line and column, as saxes counts). */
  #failAt(offset: number, reason: string): never {
    const before = this.#source.slice(0, offset);
    const line = (before.match(/\r\n?|\n/g)?.length ?? 0) + 1;
    const column = offset - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
    throw new BankFileError(
      `Not a well-formed XML file: line ${line}, column ${column}: ${reason}`,
      { line },
    );
  }

  /** Well-formed, but not something a bank file may contain. */
  #refuse(reason: string): never {
    const line = this.#parser.line;
    throw new BankFileError(`Not an acceptable XML file: line ${line}: ${reason}`, { line });
  }
}

const ENTITY_REFERENCE = /&(?:[A-Za-z_:][\w.:-]*|#[0-9]+|#x[0-9A-Fa-f]+);/y;

/** Offset of the first `&` in source[from, to) that starts no entity reference, or -1. */
function strayAmpersand(source: string, from: number, to: number): number {
  const region = source.slice(from, to);
  if (region.includes('<!')) return -1; // a comment or CDATA section, where `&` is plain text
  for (let at = region.indexOf('&'); at >= 0; at = region.indexOf('&', at + 1)) {
    ENTITY_REFERENCE.lastIndex = at;
    if (!ENTITY_REFERENCE.test(region)) return from + at;
  }
  return -1;
}

/** `ns2:Ntry` → `Ntry`. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

export function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** All occurrences of the child `name` (zero, one or many). */
export function children(node: XmlElement | undefined, name: string): XmlValue[] {
  const value = node?.[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first child element `name`, or undefined when absent or text-only. */
export function child(node: XmlElement | undefined, name: string): XmlElement | undefined {
  const value = node?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return isElement(first) ? first : undefined;
}

/** Follows a path of first children, e.g. `path(acct, 'Svcr', 'FinInstnId')`. */
export function path(node: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = node;
  for (let index = 0; index < names.length && current; index += 1) {
    current = child(current, names[index] as string);
  }
  return current;
}

/** The text of a value: a string, or the `#text` of an element with attributes; null if empty. */
export function textOf(value: XmlValue | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first === '' ? null : first;
  if (isElement(first)) {
    const text = first['#text'];
    return typeof text === 'string' && text !== '' ? text : null;
  }
  return null;
}

/** Text of the first element at `names` below `node` (`text(bal, 'Dt', 'Dt')`), null if absent. */
export function text(node: XmlElement | undefined, ...names: string[]): string | null {
  const last = names.length - 1;
  let parent = node;
  for (let index = 0; index < last && parent; index += 1) {
    parent = child(parent, names[index] as string);
  }
  return parent && last >= 0 ? textOf(parent[names[last] as string]) : null;
}

/** All non-empty texts of the repeated child `name` (e.g. every `Ustrd`). */
export function texts(node: XmlElement | undefined, name: string): string[] {
  const result: string[] = [];
  for (const value of children(node, name)) {
    const value_ = textOf(value);
    if (value_ !== null) result.push(value_);
  }
  return result;
}

/** An attribute of an element (`attribute(amt, 'Ccy')`), null when absent or empty. */
export function attribute(value: XmlValue | undefined, name: string): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (!isElement(first)) return null;
  const raw = first[`@${name}`];
  return typeof raw === 'string' && raw !== '' ? raw : null;
}
