/**
 * Times parseCamt on a generated camt.053.001.08 with one statement of N booked entries (each
 * with a TxDtls: payer, IBAN, end-to-end id, remittance; about 21 XML lines per entry).
 *
 *   node --import ./bin/ts-register.mjs test/banking/camt-bench.ts [entries=100000] [runs=3]
 *
 * Prints each run's time and throughput, the process's memory after it, and its peak memory.
 */
import { balanceProblem } from '../../src/modules/banking/parsers/balance-check.ts';
import { parseCamt } from '../../src/modules/banking/parsers/camt.ts';

function decimal(minor: bigint): string {
  const magnitude = minor < 0n ? -minor : minor;
  return `${magnitude / 100n}.${String(magnitude % 100n).padStart(2, '0')}`;
}

export function generateCamt053(entries: number): string {
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">',
    '<BkToCstmrStmt>',
    '<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2024-03-07T18:00:00+01:00</CreDtTm></GrpHdr>',
    '<Stmt>',
    '<Id>BENCH-1</Id>',
    '<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>',
    '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-06</Dt></Dt></Bal>',
  ];
  let balance = 100_000n;
  const body: string[] = [];
  for (let index = 0; index < entries; index += 1) {
    const cents = BigInt(100 + (index % 9973));
    const credit = index % 3 !== 0;
    balance += credit ? cents : -cents;
    const role = credit ? 'Dbtr' : 'Cdtr';
    const indicator = credit ? 'CRDT' : 'DBIT';
    body.push(
      `<Ntry>
  <Amt Ccy="EUR">${decimal(cents)}</Amt>
  <CdtDbtInd>${indicator}</CdtDbtInd>
  <Sts><Cd>BOOK</Cd></Sts>
  <BookgDt><Dt>2024-03-07</Dt></BookgDt>
  <ValDt><Dt>2024-03-07</Dt></ValDt>
  <AcctSvcrRef>REF${index}</AcctSvcrRef>
  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
  <NtryDtls>
    <TxDtls>
      <Refs><EndToEndId>E2E-${index}</EndToEndId></Refs>
      <Amt Ccy="EUR">${decimal(cents)}</Amt>
      <CdtDbtInd>${indicator}</CdtDbtInd>
      <RltdPties>
        <${role}><Pty><Nm>Customer ${index % 500}</Nm></Pty></${role}>
        <${role}Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id></${role}Acct>
      </RltdPties>
      <RmtInf><Ustrd>Invoice INV-${index}</Ustrd></RmtInf>
    </TxDtls>
  </NtryDtls>
</Ntry>`,
    );
  }
  parts.push(
    `<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${decimal(balance)}</Amt><CdtDbtInd>${balance < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>2024-03-07</Dt></Dt></Bal>`,
    ...body,
    '</Stmt>',
    '</BkToCstmrStmt>',
    '</Document>',
    '',
  );
  return parts.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const entries = Number(process.argv[2] ?? 100_000);
  const runs = Number(process.argv[3] ?? 3);
  const xml = generateCamt053(entries);
  const xmlLines = xml.split('\n').length;
  const mebibytes = Buffer.byteLength(xml) / 2 ** 20;
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  console.log(`${entries} entries, ${xmlLines} XML lines, ${mebibytes.toFixed(1)} MiB`);
  console.log(`rss before parsing: ${mib(process.memoryUsage().rss)}`);
  let best = Infinity;
  for (let run = 1; run <= runs; run += 1) {
    const started = performance.now();
    const file = parseCamt(xml);
    const elapsed = performance.now() - started;
    best = Math.min(best, elapsed);
    const statement = file.statements[0];
    console.log(
      `run ${run}: ${Math.round(elapsed)} ms, ${(mebibytes / (elapsed / 1000)).toFixed(1)} MiB/s, ` +
        `${statement?.lines.length} lines, balance ${
          statement ? (balanceProblem(statement) ?? 'ok') : '-'
        }, rss ${mib(process.memoryUsage().rss)}`,
    );
  }
  console.log(
    `best: ${Math.round(best)} ms, ${(mebibytes / (best / 1000)).toFixed(1)} MiB/s; ` +
      `peak rss ${mib(process.resourceUsage().maxRSS * 1024)}`,
  );
}
