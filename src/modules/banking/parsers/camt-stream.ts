/**
 * Reads camt entries while the XML is being parsed: each `Ntry` of a statement is turned into its
 * lines as soon as it closes and its subtree is dropped, so a statement of 100 000 entries never
 * holds more than one entry's elements (the rest of the file, headers and balances, stays a tree).
 *
 * An entry is taken when its ancestors are those parseCamt's walk follows: statement (`Stmt`,
 * `Rpt`, `Ntfctn`) in a message of the matching kind in a `Document` at most
 * {@link MAX_ENVELOPE_DEPTH} levels deep. Whether the walk then reaches it (the first such
 * Document and message) is decided once the whole file is read; an entry it does not reach was
 * read for nothing. Element paths in failures are the walk's: the names from the document element
 * down, the statement's index among its message's statements, the entry's among its statement's.
 */
import { StatementEntries } from './camt-entries.ts';
import type { CamtReader } from './camt-values.ts';
import {
  children,
  type OpenElements,
  type SubtreeSink,
  type XmlElement,
  type XmlValue,
} from './camt-xml.ts';
import type { BankFileFormat } from './statement.ts';

export type MessageKind = { format: BankFileFormat; statementTag: string };

export const MESSAGE_KINDS: Record<string, MessageKind> = {
  BkToCstmrStmt: { format: 'camt.053', statementTag: 'Stmt' },
  BkToCstmrAcctRpt: { format: 'camt.052', statementTag: 'Rpt' },
  BkToCstmrDbtCdtNtfctn: { format: 'camt.054', statementTag: 'Ntfctn' },
};

/** How deep a `Document` may sit inside an envelope (business application header wrappers). */
export const MAX_ENVELOPE_DEPTH = 3;

/** The kind of a message element name (`BkToCstmrStmtV08` → camt.053), own names only. */
function messageKind(name: string): MessageKind | undefined {
  const base = name.replace(/V[0-9]+$/, '');
  return Object.hasOwn(MESSAGE_KINDS, base) ? MESSAGE_KINDS[base] : undefined;
}

/** Takes the entries of statements as they close, and keeps each statement's StatementEntries. */
export class EntryStream implements SubtreeSink {
  readonly name = 'Ntry';
  readonly #reader: CamtReader;
  readonly #byStatement = new Map<XmlElement, StatementEntries>();
  /** The statement of the last entry taken, and its entries: the next entry is mostly in it. */
  #lastStatement: XmlElement | null = null;
  #last: StatementEntries | null = null;

  constructor(reader: CamtReader) {
    this.#reader = reader;
  }

  restart(): void {
    this.#byStatement.clear();
    this.#lastStatement = null;
    this.#last = null;
  }

  /** The entries of the statement, or null if none was taken. */
  entriesOf(statement: XmlElement): StatementEntries | null {
    return this.#byStatement.get(statement) ?? null;
  }

  take(value: XmlValue, depth: number, open: OpenElements): boolean {
    // the parent is the statement of the last entry taken: its ancestors were checked then
    const last = this.#last;
    if (last && open.peekAt(depth - 1) === this.#lastStatement) {
      last.add(this.#reader, value);
      return true;
    }
    const documentDepth = depth - 3;
    if (documentDepth < 0 || documentDepth > MAX_ENVELOPE_DEPTH) return false;
    if (open.nameAt(documentDepth) !== 'Document') return false;
    const messageName = open.nameAt(depth - 2);
    const kind = messageKind(messageName);
    const statementTag = open.nameAt(depth - 1);
    if (!kind || statementTag !== kind.statementTag) return false;
    const statement = open.elementAt(depth - 1);
    let collected = this.#byStatement.get(statement);
    if (!collected) {
      const names: string[] = [];
      for (let at = 0; at <= depth - 2; at += 1) names.push(open.nameAt(at));
      const message = open.peekAt(depth - 2) ?? undefined;
      const index = children(message, statementTag).length + 1;
      const path = `${names.join('/')}/${statementTag}[${index}]`;
      collected = new StatementEntries(path, kind.format);
      this.#byStatement.set(statement, collected);
    }
    this.#lastStatement = statement;
    this.#last = collected;
    collected.add(this.#reader, value);
    return true;
  }
}
