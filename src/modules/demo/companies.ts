import type { CustomerStatus, RiskClass } from '../../db/schema.ts';
import { Random } from './random.ts';

/** Plausible B2B customers for the demo and the benchmark generator. */

const PREFIXES = [
  'Acme',
  'Summit',
  'Harbor',
  'Granite',
  'Blue Ridge',
  'Evergreen',
  'Keystone',
  'Pioneer',
  'Redwood',
  'Silverline',
  'Northgate',
  'Lakeshore',
  'Ironwood',
  'Meridian',
  'Cascade',
  'Bayside',
  'Prairie',
  'Atlas',
  'Beacon',
  'Copperfield',
  'Riverbend',
  'Oakmont',
  'Westfield',
  'Highland',
  'Sterling',
  'Crescent',
  'Falcon',
  'Union',
  'Liberty',
  'Brightwater',
  'Stonebridge',
  'Maple',
  'Cedar',
  'Horizon',
  'Trident',
  'Vanguard',
  'Orchard',
  'Coastal',
  'Frontier',
  'Midland',
];
const CORES = [
  'Mechanical',
  'Construction',
  'Foods',
  'Logistics',
  'Medical Supply',
  'Electric',
  'Plumbing',
  'Hospitality',
  'Packaging',
  'Fabrication',
  'Builders',
  'Distribution',
  'Dental Group',
  'Auto Parts',
  'Landscaping',
  'Printing',
  'HVAC',
  'Paper Co',
  'Steel',
  'Brewing',
  'Veterinary',
  'Farms',
  'Labs',
  'Marine',
  'Restaurants',
  'Facilities',
  'Components',
  'Tooling',
  'Interiors',
  'Freight',
];
const SUFFIXES = [
  'Inc.',
  'LLC',
  'Corp.',
  'Co.',
  'Ltd.',
  'Group, Inc.',
  'Holdings LLC',
  'Partners LP',
];
const FIRST = [
  'Maria',
  'James',
  'Linda',
  'Robert',
  'Patricia',
  'Michael',
  'Jennifer',
  'David',
  'Elizabeth',
  'William',
  'Susan',
  'Carlos',
  'Aisha',
  'Wei',
  'Priya',
  'Tom',
  'Grace',
  'Omar',
  'Hannah',
  'Luis',
  'Nora',
  'Ken',
  'Sofia',
  'Ahmed',
];
const LAST = [
  'Garcia',
  'Smith',
  'Johnson',
  'Nguyen',
  'Patel',
  'Brown',
  'Miller',
  'Davis',
  'Martinez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Lee',
  'Okafor',
  'Kowalski',
  'Schmidt',
  'Rossi',
  'Tanaka',
  'Cohen',
  'Murphy',
];
const CITIES: ReadonlyArray<readonly [string, string, string]> = [
  ['Columbus', 'OH', '432'],
  ['Denver', 'CO', '802'],
  ['Atlanta', 'GA', '303'],
  ['Portland', 'OR', '972'],
  ['Austin', 'TX', '787'],
  ['Charlotte', 'NC', '282'],
  ['Minneapolis', 'MN', '554'],
  ['Phoenix', 'AZ', '850'],
  ['Nashville', 'TN', '372'],
  ['Pittsburgh', 'PA', '152'],
  ['Sacramento', 'CA', '958'],
  ['Madison', 'WI', '537'],
  ['Richmond', 'VA', '232'],
  ['Boise', 'ID', '837'],
  ['Tampa', 'FL', '336'],
];
const STREETS = [
  'Commerce Dr',
  'Industrial Pkwy',
  'Main St',
  'Market St',
  'Harbor Blvd',
  'Enterprise Way',
  'Mill Rd',
  'Airport Rd',
  'Lakeview Ave',
  'Depot St',
];
export const TERMS_MIX = [
  ['NET30', 50],
  ['NET45', 12],
  ['NET60', 8],
  ['2/10NET30', 12],
  ['EOM30', 6],
  ['NET15', 7],
  ['DUE', 5],
] as const;

export type GeneratedContact = {
  name: string;
  email: string;
  phone: string;
  title: string;
  roles: Array<'billing' | 'ap' | 'decision_maker'>;
  preferredChannel: 'email' | 'phone' | 'letter';
  isPrimary: boolean;
};
export type GeneratedCustomer = {
  accountNumber: string;
  name: string;
  legalName: string;
  currency: string;
  creditLimitMinor: bigint;
  paymentTerms: string;
  riskClass: RiskClass;
  status: CustomerStatus;
  externalId: string;
  parentIndex: number | null;
  collectorIndex: number;
  salesRepIndex: number;
  contacts: GeneratedContact[];
  address: { line1: string; city: string; region: string; postalCode: string; country: string };
  exemptState: string | null;
};

function slug(text: string) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

export function generateCustomer(
  rng: Random,
  index: number,
  options: { collectors: number; salesReps: number },
): GeneratedCustomer {
  const core = `${rng.pick(PREFIXES)} ${rng.pick(CORES)}`;
  const name = index >= PREFIXES.length * CORES.length ? `${core} ${index}` : core;
  const legalName = `${name} ${rng.pick(SUFFIXES)}`;
  const riskClass = rng.weighted<RiskClass>([
    ['low', 55],
    ['medium', 33],
    ['high', 12],
  ]);
  const status = rng.weighted<CustomerStatus>([
    ['active', 90],
    ['credit_hold', 6],
    ['agency', 2],
    ['closed', 2],
  ]);
  // credit limits in round hundreds, from $2,000 to $500,000 (minor units, integer arithmetic)
  const limitHundreds = BigInt(
    rng.weighted([
      [rng.int(20, 100), 40],
      [rng.int(100, 500), 40],
      [rng.int(500, 5000), 20],
    ] as const),
  );
  const [city, region, zip] = rng.pick(CITIES);
  const domain = `${slug(core)}.example`;
  const contacts: GeneratedContact[] = [];
  const contactCount = rng.int(1, 3);
  for (let c = 0; c < contactCount; c++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const roles: GeneratedContact['roles'] =
      c === 0 ? ['billing', 'ap'] : c === 1 ? ['decision_maker'] : ['ap'];
    contacts.push({
      name: `${first} ${last}`,
      email: `${first}.${last}@${domain}`.toLowerCase(),
      phone: `+1 ${zip}-555-${String(rng.int(100, 9999)).padStart(4, '0')}`,
      title:
        c === 0
          ? rng.pick(['AP Specialist', 'Accounts Payable Manager', 'Bookkeeper'])
          : c === 1
            ? rng.pick(['Controller', 'CFO', 'Owner', 'VP Finance'])
            : 'AP Clerk',
      roles,
      preferredChannel: rng.weighted([
        ['email', 80],
        ['phone', 15],
        ['letter', 5],
      ] as const),
      isPrimary: c === 0,
    });
  }
  return {
    accountNumber: `C${String(10000 + index).padStart(6, '0')}`,
    name,
    legalName,
    currency: rng.chance(0.06) ? 'CAD' : 'USD',
    creditLimitMinor: limitHundreds * 10_000n,
    paymentTerms: rng.weighted(TERMS_MIX),
    riskClass,
    status,
    externalId: `ERP-${String(500000 + index)}`,
    parentIndex: index > 20 && rng.chance(0.05) ? rng.int(0, 19) : null,
    collectorIndex: rng.int(0, Math.max(0, options.collectors - 1)),
    salesRepIndex: rng.int(0, Math.max(0, options.salesReps - 1)),
    contacts,
    address: {
      line1: `${rng.int(10, 9999)} ${rng.pick(STREETS)}`,
      city,
      region,
      postalCode: `${zip}${String(rng.int(10, 99))}`,
      country: 'US',
    },
    exemptState: rng.chance(0.08) ? region : null,
  };
}
