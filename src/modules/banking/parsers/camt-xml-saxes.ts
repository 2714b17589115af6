/**
 * The full XML reader: saxes checks well-formedness as it goes and feeds the tree builder. It
 * reads every file the fast scanner (camt-xml-scan.ts) leaves to it, and so reports every broken
 * one, placing each error where its cause is.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { attributeKey, localName, MAX_DEPTH, type TreeBuilder } from './camt-xml-tree.ts';
import { BankFileError } from './statement.ts';

export class SaxesReader {
  readonly #source: string;
  readonly #tree: TreeBuilder;
  readonly #parser = new SaxesParser();
  /** Line of the start tag saxes is reading. */
  #line = 0;
  /** `ns2:Ntry` → `Ntry`, one string per tag name: property keys that V8 has seen before. */
  readonly #localNames = new Map<string, string>();
  /** The element saxes closed last: named when a closing tag does not match it. */
  #lastClosedName = '';
  #lastClosedLine = 0;
  /** Where the document element ends: stray text after it is reported where it starts. */
  #rootEnd = 0;
  /** Just after the last tag saxes reported: a bare `&` since then caused the error. */
  #mark = 0;

  constructor(source: string, tree: TreeBuilder) {
    this.#source = source;
    this.#tree = tree;
    const parser = this.#parser;
    parser.on('opentagstart', () => this.#start());
    parser.on('opentag', (tag) => this.#open(tag));
    parser.on('text', (chunk) => tree.text(chunk.trim()));
    parser.on('cdata', (chunk) => tree.text(chunk));
    parser.on('closetag', (tag) => this.#close(tag));
    parser.on('doctype', () => this.#refuse('a DOCTYPE is not allowed in a bank file'));
    parser.on('error', (error) => this.#fail(error.message.replace(/^\d+:\d+: /, '')));
  }

  /** @throws BankFileError where the source stops being XML, or where it has what we refuse. */
  read(): void {
    // saxes reports stray text where it ends; a file that is not XML at all is told at its start
    const first = /[^ \t\r\n]/.exec(this.#source.slice(0, 4096));
    if (first && first[0] !== '<') this.#failAt(first.index, 'text data outside of root node.');
    this.#parser.write(this.#source).close();
  }

  #start(): void {
    if (this.#tree.depth + 1 >= MAX_DEPTH) this.#refuse(`elements nested deeper than ${MAX_DEPTH}`);
    // saxes has read `<name` and the character after it: a line break there is already counted
    const parser = this.#parser;
    const after = this.#source.charCodeAt(parser.position - 1);
    this.#line = after === 0x0a || after === 0x0d ? parser.line - 1 : parser.line;
  }

  #open(tag: SaxesTagPlain): void {
    const tree = this.#tree;
    tree.open(this.#localName(tag.name), this.#line);
    const attributes = tag.attributes;
    for (const name in attributes) {
      const key = attributeKey(name);
      if (key !== null) tree.attribute(key, attributes[name] as string);
    }
    this.#mark = this.#parser.position;
  }

  #close(tag: SaxesTagPlain): void {
    const tree = this.#tree;
    this.#lastClosedName = tag.name;
    this.#lastClosedLine = tree.lineAt(tree.depth);
    this.#mark = this.#parser.position;
    if (tree.depth === 0) this.#rootEnd = this.#mark;
    tree.close();
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
