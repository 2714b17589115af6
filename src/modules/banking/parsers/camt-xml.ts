/**
 * The XML layer of the camt parser: one streaming pass that checks well-formedness as it goes
 * builds a tree of plain objects (camt-xml-tree.ts), and small typed accessors read it. Knows
 * nothing about camt.
 *
 * Two readers feed the same tree builder. A fast scanner (camt-xml-scan.ts) reads the plain XML
 * banks send, several times faster than saxes; at the first thing it does not handle, or that is
 * not well-formed, it gives up and saxes (camt-xml-saxes.ts) reads the file again from its start:
 * saxes is the judge of everything the scanner leaves, and reports every error, at its line and
 * column.
 *
 * The tree keeps every value as a string (no number guessing: "000123" stays "000123", amounts
 * stay exact), drops namespace prefixes (`<ns2:Ntry>` reads as `Ntry`), and puts attributes under
 * `@name` (namespace declarations left out). An element without attributes or children is its
 * trimmed text; one with attributes or children is an object, its text under `#text`. An element
 * that occurs once is a value, one that repeats is an array: the accessors below hide that
 * difference. The root is an object holding the document element (`root.Document`).
 *
 * A DOCTYPE is refused: bank files have none, and it is where entity tricks live. Entities other
 * than the five predefined ones and character references are never expanded. Elements nested
 * deeper than 100 are refused. (The scanner leaves all three to saxes, which refuses them.)
 *
 * Streaming. A {@link SubtreeSink} may take elements of one name as they close (camt entries):
 * a taken element is never attached to its parent, so a file of 100 000 entries holds one entry's
 * subtree at a time instead of all of them.
 */
import { scanXml } from './camt-xml-scan.ts';
import { SaxesReader } from './camt-xml-saxes.ts';
import {
  lineOf,
  TreeBuilder,
  type SubtreeSink,
  type XmlElement,
  type XmlValue,
} from './camt-xml-tree.ts';

export {
  lineOf,
  type OpenElements,
  type SubtreeSink,
  type XmlElement,
  type XmlValue,
} from './camt-xml-tree.ts';

/** A parsed XML document: its root and the start line of each element. */
export class XmlDocument {
  constructor(readonly root: XmlElement) {}

  /** 1-based line of the element's start tag, or null for a text-only element (a string). */
  lineOf(node: XmlValue | undefined): number | null {
    return lineOf(node);
  }
}

/**
 * Checks that `text` is well-formed XML and parses it, in one pass (two when the scanner leaves
 * the file to saxes; the sink is then restarted).
 * @throws BankFileError with the line and column where it stops being XML, or when it has a
 * DOCTYPE or elements nested deeper than 100.
 */
export function readXml(text: string, sink?: SubtreeSink): XmlDocument {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const tree = new TreeBuilder(sink ?? null);
  if (scanXml(source, tree)) return new XmlDocument(tree.root);
  sink?.restart();
  const full = new TreeBuilder(sink ?? null);
  new SaxesReader(source, full).read();
  return new XmlDocument(full.root);
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
export function path(
  node: XmlElement | undefined,
  first: string,
  second?: string,
  third?: string,
): XmlElement | undefined {
  // fixed parameters rather than a rest array: this runs for every entry of a large file
  const found = child(node, first);
  if (second === undefined) return found;
  return third === undefined ? child(found, second) : child(child(found, second), third);
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

/** Text of the first element at a path below `node` (`text(bal, 'Dt', 'Dt')`), null if absent. */
export function text(
  node: XmlElement | undefined,
  first: string,
  second?: string,
  third?: string,
  fourth?: string,
): string | null {
  let parent = node;
  let last = first;
  if (second !== undefined) {
    parent = child(parent, first);
    last = second;
    if (third !== undefined) {
      parent = child(parent, second);
      last = third;
      if (fourth !== undefined) {
        parent = child(parent, third);
        last = fourth;
      }
    }
  }
  return parent ? textOf(parent[last]) : null;
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
