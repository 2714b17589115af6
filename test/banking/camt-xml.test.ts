/**
 * The XML layer under the camt parser: tree shape, start lines, and what it refuses (DOCTYPE,
 * deep nesting) or reports as not well-formed, with the line and column of the cause.
 */
import { describe, expect, it } from 'vitest';
import {
  attribute,
  child,
  children,
  readXml,
  text,
  texts,
  type XmlElement,
} from '../../src/modules/banking/parsers/camt-xml.ts';
import { BankFileError } from '../../src/modules/banking/parsers/statement.ts';

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
