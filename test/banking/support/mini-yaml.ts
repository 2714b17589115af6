/**
 * A small YAML reader for the expected-output fixtures of the MT940 samples (wolph/mt940's
 * Python-tagged dumps and betterplace/mt940_parser's Ruby-tagged dumps). The project has no YAML
 * dependency and these files only use block style, so this covers exactly that: block mappings
 * and sequences (also `- - x` and `- key: v`), plain / single- / double-quoted scalars over
 * several lines, `|` block scalars, tags (handed to `construct`), anchors (ignored), aliases
 * (read as null) and the empty flow collections `[]` / `{}`. Not a general YAML parser.
 */

export type YamlValue = null | string | YamlValue[] | { [key: string]: YamlValue };
/** Turns a tagged node into a value (e.g. `!!python/object/apply:decimal.Decimal`). */
export type Construct = (tag: string, value: YamlValue) => YamlValue;

const KEY = /^((?:[^\s'"#:-][^:]*?)|-[^\s][^:]*?|'[^']*'|"[^"]*"):(?: |$)/;

export function readYaml(text: string, construct: Construct = (_tag, value) => value): YamlValue {
  return new Reader(text, construct).document();
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const blank = (line: string) => line.trim() === '' || line.trim().startsWith('#');

class Reader {
  private readonly lines: string[];
  private index = 0;

  constructor(
    text: string,
    private readonly construct: Construct,
  ) {
    this.lines = text.replace(/\r\n?/g, '\n').split('\n');
  }

  document(): YamlValue {
    this.skipBlank();
    const first = this.lines[this.index];
    if (first !== undefined && first.trim() === '---') {
      this.index++;
      this.skipBlank();
    }
    const line = this.lines[this.index];
    if (line === undefined) return null;
    if (line.trimStart().startsWith('&') || line.trimStart().startsWith('!')) {
      // a tagged root node: `&id003 !!python/object:…` alone on the first line
      this.index++;
      return this.value(line.trim(), -1);
    }
    return this.block(indentOf(line));
  }

  private skipBlank() {
    while (this.index < this.lines.length && blank(this.lines[this.index] ?? '')) this.index++;
  }

  private peek(): { line: string; indent: number } | null {
    this.skipBlank();
    const line = this.lines[this.index];
    return line === undefined ? null : { line, indent: indentOf(line) };
  }

  /** The node whose first line starts at `indent` (a sequence, a mapping or a scalar). */
  private block(indent: number): YamlValue {
    const next = this.peek();
    if (next === null) return null;
    const content = next.line.trimStart();
    if (content === '-' || content.startsWith('- ')) return this.sequence(indent);
    if (KEY.test(content)) return this.mapping(indent);
    this.index++;
    return this.value(content, indent - 1);
  }

  private sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (let next = this.peek(); next !== null && next.indent === indent; next = this.peek()) {
      const content = next.line.trimStart();
      if (content !== '-' && !content.startsWith('- ')) break;
      const rest = content.slice(1).trimStart();
      const column = next.line.length - rest.length;
      if (rest.startsWith('- ') || rest === '-' || KEY.test(rest)) {
        // `- - x` or `- key: v`: the item is a block starting at `column` of this line
        this.lines[this.index] = ' '.repeat(column) + rest;
        items.push(this.block(column));
      } else {
        this.index++;
        items.push(this.value(rest, indent));
      }
    }
    return items;
  }

  private mapping(indent: number): { [key: string]: YamlValue } {
    const result: { [key: string]: YamlValue } = {};
    for (let next = this.peek(); next !== null && next.indent === indent; next = this.peek()) {
      const content = next.line.trimStart();
      const match = KEY.exec(content);
      if (!match) break;
      const key = (match[1] ?? '').replace(/^'(.*)'$|^"(.*)"$/, '$1$2');
      this.index++;
      result[key] = this.value(content.slice(match[0].length).trim(), indent, true);
    }
    return result;
  }

  /**
   * The value written after `key:` or `- ` (the current line is already consumed); `parent` is
   * the indentation of the key / dash, deeper lines belong to this value.
   */
  private value(text: string, parent: number, inMapping = false): YamlValue {
    let rest = text;
    let tag: string | null = null;
    for (;;) {
      const prefix = /^([&!][^\s]*)\s*/.exec(rest);
      if (!prefix) break;
      if ((prefix[1] ?? '').startsWith('!')) tag = prefix[1] ?? null;
      rest = rest.slice(prefix[0].length);
    }
    const node = this.untagged(rest, parent, inMapping);
    return tag === null ? node : this.construct(tag, node);
  }

  private untagged(rest: string, parent: number, inMapping: boolean): YamlValue {
    if (rest === '' || rest.startsWith('#')) {
      const next = this.peek();
      if (next === null) return null;
      if (next.indent > parent) return this.block(next.indent);
      const dash = next.line.trimStart().startsWith('- ');
      if (inMapping && next.indent === parent && dash) return this.sequence(next.indent);
      return null;
    }
    if (rest.startsWith('*')) return null;
    if (rest === '[]') return [];
    if (rest === '{}') return {};
    if (rest.startsWith('"') || rest.startsWith("'")) return this.quoted(rest, rest.charAt(0));
    if (/^[|>][-+]?$/.test(rest)) return this.literal(parent, rest);
    return this.plain(rest, parent);
  }

  /** Plain scalar; more-indented following lines continue it, folded with spaces. */
  private plain(first: string, parent: number): string | null {
    const parts = [first.replace(/\s+#.*$/, '').trim()];
    for (;;) {
      const line = this.lines[this.index];
      if (line === undefined || blank(line) || indentOf(line) <= parent) break;
      parts.push(line.trim());
      this.index++;
    }
    const text = parts.join(' ');
    return text === 'null' || text === '~' ? null : text;
  }

  /** `|` block scalar: the following more-indented lines, verbatim. */
  private literal(parent: number, indicator: string): string {
    const body: string[] = [];
    let indent = -1;
    while (this.index < this.lines.length) {
      const line = this.lines[this.index] ?? '';
      if (line.trim() !== '') {
        if (indentOf(line) <= parent) break;
        if (indent < 0) indent = indentOf(line);
      }
      body.push(line.slice(Math.max(indent, 0)));
      this.index++;
    }
    while (body.length > 0 && (body.at(-1) ?? '').trim() === '') body.pop();
    const joiner = indicator.startsWith('>') ? ' ' : '\n';
    return body.join(joiner) + (indicator.endsWith('-') ? '' : '\n');
  }

  /** Single- or double-quoted scalar, possibly over several lines (line breaks fold to spaces). */
  private quoted(first: string, quote: string): string {
    let out = '';
    let text = first.slice(1);
    let emptyLines = 0;
    let escapedBreak = false;
    for (let continuation = false; ; continuation = true) {
      if (continuation) {
        const line = this.lines[this.index];
        if (line === undefined) throw new Error(`unterminated ${quote}-quoted scalar`);
        this.index++;
        if (line.trim() === '') {
          emptyLines++;
          continue;
        }
        text = line.trimStart();
        out += emptyLines > 0 ? '\n'.repeat(emptyLines) : escapedBreak ? '' : ' ';
        emptyLines = 0;
        escapedBreak = false;
      }
      for (let j = 0; j < text.length; j++) {
        const c = text.charAt(j);
        if (quote === "'" && c === "'") {
          if (text.charAt(j + 1) === "'") {
            out += "'";
            j++;
            continue;
          }
          return out;
        }
        if (quote === '"' && c === '"') return out;
        if (quote === '"' && c === '\\') {
          if (j === text.length - 1) {
            escapedBreak = true;
            break;
          }
          const [decoded, used] = escape(text, j + 1);
          out += decoded;
          j += used;
          continue;
        }
        out += c;
      }
      if (!escapedBreak) out = out.replace(/[ \t]+$/, '');
    }
  }
}

/** Decodes the escape after a backslash at `at`; returns the text and the characters used. */
function escape(text: string, at: number): [string, number] {
  const c = text.charAt(at);
  const simple: Record<string, string> = {
    n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
    N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', e: '\u001b', a: '\u0007', b: '\b',
  }; // prettier-ignore
  if (c in simple) return [simple[c] ?? '', 1];
  const width = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (width === 0) throw new Error(`unknown escape \\${c}`);
  const hex = text.slice(at + 1, at + 1 + width);
  return [String.fromCodePoint(Number.parseInt(hex, 16)), 1 + width];
}
