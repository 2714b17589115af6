/**
 * The XML layer under the camt parser: tree shape, start lines, and what it refuses (DOCTYPE,
 * deep nesting) or reports as not well-formed, with the line and column of the cause.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SaxesReader } from '../../src/modules/banking/parsers/camt-xml-saxes.ts';
import { scanXml } from '../../src/modules/banking/parsers/camt-xml-scan.ts';
import {
  lineOf,
  TreeBuilder,
  type SubtreeSink,
  type XmlValue,
} from '../../src/modules/banking/parsers/camt-xml-tree.ts';
import {
  attribute,
  child,
  children,
  readXml,
  text,
  textOf,
  texts,
  type XmlElement,
} from '../../src/modules/banking/parsers/camt-xml.ts';
import { BankFileError } from '../../src/modules/banking/parsers/statement.ts';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/bank/camt');

function errorOf(xml: string): BankFileError {
  try {
    readXml(xml);
  } catch (error) {
    if (error instanceof BankFileError) return error;
    throw error;
  }
  throw new Error('expected a BankFileError');
}

describe('readXml tree', () => {
  it('keeps strings, drops prefixes and namespace declarations, puts attributes under @', () => {
    const doc = readXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<ns:Document xmlns:ns="urn:x" xmlns="urn:y" xsi:schemaLocation="urn:x x.xsd">' +
        '<ns:Amt Ccy="EUR"> 000123.40 </ns:Amt><Empty/><Blank>  </Blank>' +
        '<Ustrd>a</Ustrd><Ustrd>b &amp; c &#x41;&#66;</Ustrd><Other/><Ustrd><![CDATA[<d>]]></Ustrd>' +
        '</ns:Document>',
    );
    const document = child(doc.root, 'Document') as XmlElement;
    expect(Object.keys(doc.root)).toEqual(['Document']);
    expect(Object.keys(document)).toEqual([
      '@schemaLocation',
      'Amt',
      'Empty',
      'Blank',
      'Ustrd',
      'Other',
    ]);
    expect(document['Amt']).toEqual({ '@Ccy': 'EUR', '#text': '000123.40' });
    expect(attribute(document['Amt'], 'Ccy')).toBe('EUR');
    expect(document['Empty']).toBe('');
    expect(document['Blank']).toBe('');
    expect(document['Ustrd']).toEqual(['a', 'b & c AB', '<d>']);
    expect(texts(document, 'Ustrd')).toEqual(['a', 'b & c AB', '<d>']);
    expect(text(doc.root, 'Document', 'Amt')).toBe('000123.40');
  });

  it('turns a repeated element into an array in document order, mixing text and elements', () => {
    const doc = readXml('<a><b>1</b><c/><b><d>2</d></b><b Ccy="X"/></a>');
    const a = child(doc.root, 'a');
    expect(children(a, 'b')).toEqual(['1', { d: '2' }, { '@Ccy': 'X' }]);
    expect(children(a, 'missing')).toEqual([]);
    expect(child(a, 'b')).toBeUndefined(); // the first b is text-only
  });

  it('keeps names like __proto__ and constructor as plain children', () => {
    const doc = readXml(
      '<a><__proto__><Ntry>1</Ntry></__proto__><constructor>2</constructor><toString/></a>',
    );
    const a = child(doc.root, 'a') as XmlElement;
    expect(Object.keys(a)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(text(a, '__proto__', 'Ntry')).toBe('1');
    expect(text(a, 'constructor')).toBe('2');
    expect(a['Ntry']).toBeUndefined();
    expect(children(a, 'hasOwnProperty')).toEqual([]);
    expect(({} as Record<string, unknown>)['Ntry']).toBeUndefined();
  });

  it('knows the line of every element start tag, with any line breaks', () => {
    const doc = readXml(
      '<?xml version="1.0"?>\r\n<Document\r\n  xmlns="urn:x">\r\n<Stmt>\r<Ntry\n>' +
        '<Amt\nCcy="EUR">1</Amt></Ntry>\n<Ntry><Amt Ccy="EUR">2</Amt></Ntry></Stmt></Document>',
    );
    const document = child(doc.root, 'Document');
    const statement = child(document, 'Stmt');
    const entries = children(statement, 'Ntry');
    expect(doc.lineOf(document)).toBe(2);
    expect(doc.lineOf(statement)).toBe(4);
    expect(entries.map((entry) => doc.lineOf(entry))).toEqual([5, 8]);
    expect(doc.lineOf(child(entries[0] as XmlElement, 'Amt'))).toBe(6);
    expect(doc.lineOf('text')).toBeNull();
    expect(Object.getOwnPropertySymbols(document)).toEqual([]);
  });
});

describe('readXml refuses', () => {
  it('a DOCTYPE, so no entity is ever declared or expanded', () => {
    const bomb =
      '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<a>&b;</a>';
    const error = errorOf(bomb);
    expect(error.message).toBe(
      'Not an acceptable XML file: line 2: a DOCTYPE is not allowed in a bank file',
    );
    expect(error.line).toBe(2);
    expect(errorOf('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>').line).toBe(1);
    expect(errorOf('<a>&b;</a>').message).toBe(
      'Not a well-formed XML file: line 1, column 6: undefined entity.',
    );
  });

  it('elements nested deeper than 100', () => {
    expect(() => readXml(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)).not.toThrow();
    expect(errorOf(`${'<a>'.repeat(101)}${'</a>'.repeat(101)}`).message).toBe(
      'Not an acceptable XML file: line 1: elements nested deeper than 100',
    );
  });
});

describe('readXml reports broken XML where the cause is', () => {
  it.each([
    [
      'a mismatched closing tag',
      '<a>\n  <b>1</c>\n</a>',
      2,
      7,
      "closing tag 'c' does not match 'b'",
    ],
    ['a bare & far from the next ;', '<a>\n<b>A & B</b>\n<c>x; y</c></a>', 2, 6, "'&' starts no"],
    ['a bare & in an attribute', '<a t="A & B"/>', 1, 9, "'&' starts no entity reference"],
    ['text before the root', '\n  Kontoauszug', 2, 3, 'text data outside of root node.'],
    ['text after the root', '<a/>\n\n  junk', 3, 3, 'text data outside of root node.'],
    ['two roots', '<a/><b/>', 1, 7, 'documents may contain only one root.'],
    ['an unclosed element', '<a>\n<b>1</b>', 2, 8, 'unclosed tag: a'],
    ['an empty file', '', 1, 1, 'document must contain a root element.'],
  ])('%s', (_case, xml, line, column, reason) => {
    const error = errorOf(xml);
    expect(error.message).toContain(`Not a well-formed XML file: line ${line}, column ${column}: `);
    expect(error.message).toContain(reason);
    expect(error.line).toBe(line);
  });
});

/** The tree with each element's start line, as plain data to compare. */
function withLines(value: XmlValue): unknown {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(withLines);
  const fields = Object.keys(value).map((key) => [key, withLines(value[key] as XmlValue)]);
  return { '(line)': lineOf(value), ...Object.fromEntries(fields) };
}

/** What each reader makes of `xml`: the scanner's tree (or null when it leaves it) and saxes'. */
function bothReaders(xml: string): { fast: unknown; saxes: unknown } {
  const fastTree = new TreeBuilder(null);
  const fast = scanXml(xml, fastTree) ? withLines(fastTree.root) : null;
  const saxesTree = new TreeBuilder(null);
  let saxes: unknown;
  try {
    new SaxesReader(xml, saxesTree).read();
    saxes = withLines(saxesTree.root);
  } catch (error) {
    saxes = error instanceof BankFileError ? error.message : error;
  }
  return { fast, saxes };
}

function listXml(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = join(folder, name);
    if (statSync(full).isDirectory()) return listXml(full);
    return name.endsWith('.xml') ? [full] : [];
  });
}

describe('the fast scanner', () => {
  it('reads the camt samples into the same tree as saxes, lines included', () => {
    const files = listXml(FIXTURES);
    let scanned = 0;
    for (const file of files) {
      const xml = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      const { fast, saxes } = bothReaders(xml);
      if (fast === null) continue;
      scanned += 1;
      expect(fast, file).toEqual(saxes);
    }
    // all but the three that have a lone CR or a processing instruction
    expect(scanned).toBe(files.length - 3);
  });

  it.each([
    ['CRLF line ends', '<?xml version="1.0"?>\r\n<a>\r\n  <b>x\r\ny</b>\r\n<c\r\n/></a>\r\n'],
    ['comments', '<!-- head --><a><!----><b>1<!-- in -->2</b><!-- a - b --></a><!-- tail -->'],
    ['entities', '<a>&lt;&amp;&gt;&quot;&apos; &#65;&#x42;&#xe9;&#128512; &#13;&#x9;</a>'],
    ['attributes', `<a xmlns="u" xmlns:p="v" p:x = "1&amp;2" y='a\tb\r\nc' z="&#10;"/>`],
    ['prefixes', '<p:a><q:b>1</q:b><b>2</b><r:b c:d="3"/></p:a>'],
    ['blank and padded text', '<a> <b>  x  </b><c>\n\t</c><d> \u00a0y\u00a0 </d></a>'],
    ['names XML allows', '<_a.b-c:d><e1/><E:/></_a.b-c:d >'],
    ['other characters', '<a>é € \u0085 \u2028 😀 \ufeff</a>'],
    ['CDATA', '<a> x <![CDATA[ <y> & \r\n]] ]]]><![CDATA[]]> z <b><![CDATA[]]></b></a>'],
  ])('reads %s as saxes does', (_case, xml) => {
    const { fast, saxes } = bothReaders(xml);
    expect(fast).not.toBeNull();
    expect(fast).toEqual(saxes);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE a><a/>'],
    ['CDATA outside the root', '<![CDATA[x]]><a/>'],
    ['an unclosed CDATA section', '<a><![CDATA[x]></a>'],
    ['a processing instruction', '<?xml version="1.0"?><?pi x?><a/>'],
    ['XML 1.1', '<?xml version="1.1"?><a/>'],
    ['a lone CR', '<a>\r</a>'],
    ['a character XML forbids', '<a>\u0001</a>'],
    ['half a surrogate pair', '<a>\ud83d</a>'],
    ['a non-ASCII name', '<é/>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a bare &', '<a>A & B</a>'],
    ['a character reference XML forbids', '<a>&#0;</a>'],
    ['an upper-case X in a reference', '<a>&#X41;</a>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['attributes without space between', '<a b="1"c="2"/>'],
    ['< in an attribute', '<a b="<"/>'],
    ['a mismatched tag', '<a><b></a></b>'],
    ['a double dash in a comment', '<a><!-- a -- b --></a>'],
    [']]> in text', '<a>]]></a>'],
    ['text outside the root', 'x<a/>'],
    ['two roots', '<a/><b/>'],
    ['an unclosed element', '<a><b/>'],
    ['nothing', ''],
    ['101 levels', `${'<a>'.repeat(101)}${'</a>'.repeat(101)}`],
  ])('leaves %s to saxes', (_case, xml) => {
    expect(bothReaders(xml).fast).toBeNull();
  });

  it('reads 100 levels itself', () => {
    expect(bothReaders(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`).fast).not.toBeNull();
  });

  it('accepts nothing saxes refuses, and builds what saxes builds', () => {
    /** Mostly what the scanner reads, sometimes what it leaves to saxes (or what XML forbids). */
    const mostly = <T>(usual: T[], rare: T[]) =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...usual), weight: 9 },
        { arbitrary: fc.constantFrom(...rare), weight: 1 },
      );
    const name = mostly(['a', 'Ntry', 'ns:Amt', 'x:y', 'a.b-c', '_d', 'e:', 'A1'], ['é', '1a']);
    const space = mostly(['', ' ', '\n', '\r\n', '\t'], ['\r', '\u00a0']);
    const textPart = mostly(
      [
        'x',
        ' 1.00 ',
        'a &amp; b',
        '&lt;&#65;&#x42;',
        'l1\r\nl2',
        '\u00a0',
        '😀',
        ']]',
        '<!-- c -->',
        '<![CDATA[ c ]]>',
        '<![CDATA[<&\r\n]]]>',
      ],
      [']]>', '&', '&#0;', '<!-- - -->', '<!--->', '<?p?>', '\ud83d', '<![CDATA[', '<![CDATA]>'],
    );
    const attributeText = fc
      .tuple(
        mostly(['Ccy', 'xmlns', 'xmlns:p', 'p:Ccy', 'q:Ccy', 'b'], ['é', '']),
        space,
        mostly(['', '1', 'a b', 'a\nb', 'a\r\nb', '\t', '&amp;', '&#10;', '>'], ['<', '&', '"']),
      )
      .map(([key, around, value]) => ` ${key}${around}=${around}"${value}"`);
    const { element } = fc.letrec<{ element: string }>((tie) => ({
      element: fc
        .tuple(
          name,
          fc.array(attributeText, { maxLength: 2 }),
          space,
          fc.array(fc.oneof({ maxDepth: 4 }, textPart, space, tie('element')), { maxLength: 4 }),
          fc.boolean(),
          mostly(['', ' '], ['x']),
        )
        .map(([tag, attributes, inside, content, selfClosing, closing]) => {
          const open = `<${tag}${attributes.join('')}${inside}`;
          return selfClosing && content.length === 0
            ? `${open}/>`
            : `${open}>${content.join('')}</${tag}${closing}>`;
        }),
    }));
    const prolog = mostly(['', '<?xml version="1.0" encoding="UTF-8"?>\n', '<!-- x -->'], ['x']);
    let scanned = 0;
    fc.assert(
      fc.property(prolog, element, space, (head, body, tail) => {
        const { fast, saxes } = bothReaders(head + body + tail);
        if (fast === null) return;
        scanned += 1;
        expect(fast).toEqual(saxes);
      }),
      { numRuns: 3000 },
    );
    // the check above must have had work to do
    expect(scanned).toBeGreaterThan(600);
  });
});

describe('readXml with a sink', () => {
  /** Takes every `Ntry`, noting the text of each and every restart. */
  function recorder(): SubtreeSink & { log: string[] } {
    const log: string[] = [];
    return {
      name: 'Ntry',
      log,
      take(value) {
        log.push(textOf(value) ?? '');
        return true;
      },
      restart() {
        log.push('restart');
      },
    };
  }

  it('leaves taken elements out of the tree', () => {
    const sink = recorder();
    const doc = readXml('<a><Ntry>1</Ntry><b><Ntry x="y">2</Ntry></b><Ntry/></a>', sink);
    expect(sink.log).toEqual(['1', '2', '']);
    // a parent left with neither attribute nor child reads as its text
    expect(child(doc.root, 'a')).toEqual({ b: '' });
  });

  it('is restarted when saxes reads the file again after the scanner gave up', () => {
    const sink = recorder();
    const doc = readXml('<a><Ntry>1</Ntry><Ntry>2</Ntry><c><?pi 3?>4</c></a>', sink);
    expect(sink.log).toEqual(['1', '2', 'restart', '1', '2']);
    expect(text(doc.root, 'a', 'c')).toBe('4');
  });
});
