/**
 * Builds the tree camt-xml.ts describes from a stream of XML events (element start, open,
 * attribute, text, close), whichever reader produces them: the fast scanner (camt-xml-scan.ts) or
 * saxes (camt-xml-saxes.ts). Both feed the same builder, so both give the same tree.
 */
export type XmlValue = string | XmlElement | XmlValue[];
export type XmlElement = { [name: string]: XmlValue | undefined };

/** Deeper nesting than any bank file has is an attack or a broken generator. */
export const MAX_DEPTH = 100;

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

/** 1-based line of the element's start tag, or null for a text-only element (a string). */
export function lineOf(node: XmlValue | undefined): number | null {
  if (node === undefined || typeof node !== 'object' || Array.isArray(node)) return null;
  return ElementNode.lineOf(node);
}

/** The elements open around the one a {@link SubtreeSink} is offered (0 = the document element). */
export interface OpenElements {
  /** Local name of the open element at `depth`. */
  nameAt(depth: number): string;
  /** The open element at `depth` as an object (made now if it has no attribute or child yet). */
  elementAt(depth: number): XmlElement;
  /** The open element at `depth` if it already is an object, else null (nothing is made). */
  peekAt(depth: number): XmlElement | null;
}

/** Takes elements named {@link name} as they close, instead of the tree. */
export interface SubtreeSink {
  readonly name: string;
  /**
   * Offered each closing element {@link name} at `depth` (its parent is open at `depth - 1`):
   * returns true when it took the element, which is then left out of its parent (a parent left
   * with no attribute or child reads as its text, unless the sink made it an object with
   * `open.elementAt`). It must not throw: the rest of the file has not been checked yet, and its
   * XML errors come first.
   */
  take(value: XmlValue, depth: number, open: OpenElements): boolean;
  /** Forgets everything taken: the file is being read again from its start. */
  restart(): void;
}

/** `ns2:Ntry` → `Ntry`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The key of an attribute (`@Ccy`), or null for a namespace declaration (left out). */
export function attributeKey(name: string): string | null {
  if (name === 'xmlns' || name.startsWith('xmlns:')) return null;
  return `@${localName(name)}`;
}

/**
 * The open elements live in parallel arrays indexed by depth (0 = the document element); an
 * element's object is made only once it has an attribute or a child, so the many leaf elements
 * cost a string and nothing more. The reader checks the nesting limit and well-formedness: this
 * only builds.
 */
export class TreeBuilder implements OpenElements {
  readonly root = newElement(1);
  readonly #sink: SubtreeSink | null;
  /** The name the sink takes; '' (no element has it) when there is no sink. */
  readonly #sinkName: string;
  #depth = -1;
  readonly #names: string[] = [];
  readonly #lines: number[] = [];
  readonly #nodes: (XmlElement | null)[] = [];
  readonly #texts: string[] = [];

  constructor(sink: SubtreeSink | null) {
    this.#sink = sink;
    this.#sinkName = sink?.name ?? '';
  }

  /** Depth of the innermost open element, -1 outside the document element. */
  get depth(): number {
    return this.#depth;
  }

  /** Start line of the open element at `depth`. */
  lineAt(depth: number): number {
    return this.#lines[depth] as number;
  }

  /** An element starts: its local name and the line of its start tag. */
  open(name: string, line: number): void {
    const depth = ++this.#depth;
    this.#names[depth] = name;
    this.#lines[depth] = line;
    this.#nodes[depth] = null;
    this.#texts[depth] = '';
  }

  /** An attribute of the element just opened, under its key (see {@link attributeKey}). */
  attribute(key: string, value: string): void {
    this.elementAt(this.#depth)[key] = value;
  }

  /** Text of the innermost open element (chunks are joined; outside the document, ignored). */
  text(chunk: string): void {
    const depth = this.#depth;
    if (chunk !== '' && depth >= 0) this.#texts[depth] += chunk;
  }

  /** The innermost open element ends: it joins its parent (or the sink takes it). */
  close(): void {
    const depth = this.#depth--;
    const name = this.#names[depth] as string;
    const node = this.#nodes[depth];
    const text = (this.#texts[depth] as string).trim();
    this.#nodes[depth] = null;
    let value: XmlValue = text;
    if (node) {
      if (text !== '') node['#text'] = text;
      value = node;
    }
    if (name === this.#sinkName && this.#sink?.take(value, depth, this)) return;
    const parent = this.elementAt(depth - 1);
    const existing = parent[name];
    if (existing === undefined) parent[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else parent[name] = [existing, value];
  }

  nameAt(depth: number): string {
    return this.#names[depth] as string;
  }

  elementAt(depth: number): XmlElement {
    if (depth < 0) return this.root;
    let node = this.#nodes[depth];
    if (!node) {
      node = newElement(this.#lines[depth] as number);
      this.#nodes[depth] = node;
    }
    return node;
  }

  peekAt(depth: number): XmlElement | null {
    return depth < 0 ? this.root : (this.#nodes[depth] ?? null);
  }
}
