/**
 * Writes a camt.053.001.08 bank-to-customer statement (or the same entries as a camt.054
 * notification): what the demo organization's bank
 * "sends", and what tests and benchmarks import through the same path as a real bank's file.
 * Text is XML-escaped; amounts are exact decimals from minor units.
 */
import { formatAmount } from '../../shared/money.ts';

export type CamtEntryInput = {
  /** signed minor units: positive = credit */
  amountMinor: bigint;
  bookingDate: string;
  valueDate?: string;
  counterpartyName?: string | null;
  counterpartyAccount?: string | null;
  remittance?: string | null;
  endToEndId?: string | null;
  bankReference?: string | null;
};

export type CamtStatementInput = {
  id: string;
  sequenceNumber?: number;
  createdAt: string;
  iban: string;
  bic?: string;
  currency: string;
  fromDate: string;
  toDate: string;
  openingMinor: bigint;
  entries: CamtEntryInput[];
};

const escape = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );

/** An IBAN where the text is one, otherwise the account number as "other" identification. */
function accountId(id: string): string {
  return /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(id)
    ? `<Id><IBAN>${escape(id)}</IBAN></Id>`
    : `<Id><Othr><Id>${escape(id)}</Id></Othr></Id>`;
}

function amount(minor: bigint, currency: string): string {
  const magnitude = minor < 0n ? -minor : minor;
  return `<Amt Ccy="${currency}">${formatAmount(magnitude, currency)}</Amt>`;
}

function balance(code: 'OPBD' | 'CLBD', minor: bigint, currency: string, date: string): string {
  return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>${amount(minor, currency)}<CdtDbtInd>${minor < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
}

function entry(e: CamtEntryInput, currency: string): string {
  const credit = e.amountMinor >= 0n;
  const party = credit ? 'Dbtr' : 'Cdtr';
  const parts: string[] = [];
  if (e.endToEndId) parts.push(`<Refs><EndToEndId>${escape(e.endToEndId)}</EndToEndId></Refs>`);
  const related: string[] = [];
  if (e.counterpartyName)
    related.push(`<${party}><Pty><Nm>${escape(e.counterpartyName)}</Nm></Pty></${party}>`);
  if (e.counterpartyAccount)
    related.push(`<${party}Acct>${accountId(e.counterpartyAccount)}</${party}Acct>`);
  if (related.length) parts.push(`<RltdPties>${related.join('')}</RltdPties>`);
  if (e.remittance) parts.push(`<RmtInf><Ustrd>${escape(e.remittance)}</Ustrd></RmtInf>`);
  return (
    `<Ntry>${amount(e.amountMinor, currency)}<CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>` +
    `<BookgDt><Dt>${e.bookingDate}</Dt></BookgDt><ValDt><Dt>${e.valueDate ?? e.bookingDate}</Dt></ValDt>` +
    (e.bankReference ? `<AcctSvcrRef>${escape(e.bankReference)}</AcctSvcrRef>` : '') +
    `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${credit ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>` +
    `<NtryDtls><TxDtls>${parts.join('')}</TxDtls></NtryDtls></Ntry>`
  );
}

/** One camt.053 document holding the given statements (closing = opening + entries). */
export function writeCamt053(statements: readonly CamtStatementInput[]): string {
  return writeCamt('053', statements);
}

/**
 * The same as a camt.054.001.08 debit/credit notification: the entries without balances (the
 * statements' opening amounts are not written).
 */
export function writeCamt054(notifications: readonly CamtStatementInput[]): string {
  return writeCamt('054', notifications);
}

function writeCamt(kind: '053' | '054', statements: readonly CamtStatementInput[]): string {
  const [root, item] =
    kind === '053' ? ['BkToCstmrStmt', 'Stmt'] : ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'];
  const body = statements
    .map((s) => {
      const closing = s.entries.reduce((sum, e) => sum + e.amountMinor, s.openingMinor);
      return (
        `<${item}><Id>${escape(s.id)}</Id>` +
        (s.sequenceNumber !== undefined ? `<ElctrncSeqNb>${s.sequenceNumber}</ElctrncSeqNb>` : '') +
        `<CreDtTm>${s.createdAt}</CreDtTm><FrToDt><FrDtTm>${s.fromDate}T00:00:00</FrDtTm><ToDtTm>${s.toDate}T23:59:59</ToDtTm></FrToDt>` +
        `<Acct>${accountId(s.iban)}<Ccy>${s.currency}</Ccy>` +
        (s.bic ? `<Svcr><FinInstnId><BICFI>${escape(s.bic)}</BICFI></FinInstnId></Svcr>` : '') +
        `</Acct>` +
        (kind === '053'
          ? balance('OPBD', s.openingMinor, s.currency, s.fromDate) +
            balance('CLBD', closing, s.currency, s.toDate)
          : '') +
        s.entries.map((e) => entry(e, s.currency)).join('') +
        `</${item}>`
      );
    })
    .join('');
  const created = statements[0]?.createdAt ?? '2026-01-01T00:00:00';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.08"><${root}>` +
    `<GrpHdr><MsgId>${escape(statements[0]?.id ?? 'MSG')}</MsgId><CreDtTm>${created}</CreDtTm></GrpHdr>` +
    body +
    `</${root}></Document>\n`
  );
}
