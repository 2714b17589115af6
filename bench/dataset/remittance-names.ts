/**
 * Word lists for the remittance scenario (bench/dataset/remittances.ts): company names of a
 * mixed European and North American customer base, and what banks make of them.
 */
import type { Random } from '../../src/modules/demo/index.ts';

// prettier-ignore
const SURNAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz',
  'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann',
  'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Werner', 'Krause',
  'Lehmann', 'Köhler', 'Maier', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Möller', 'Weiß',
  'Jung', 'Hahn', 'Vogel', 'Friedrich', 'Keller', 'Günther', 'Frank', 'Berger', 'Winkler',
  'Roth', 'Beck', 'Lorenz', 'Baumann', 'Franke', 'Albrecht', 'Ludwig', 'Böhm', 'Winter',
  'Dubois', 'Durand', 'Lefèvre', 'Moreau', 'Laurent', 'Girard', 'Bonnet', 'Mercier', 'Rousseau',
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino',
  'García', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz', 'Jiménez',
  'de Vries', 'Jansen', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder',
  'Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kowalczyk', 'Novák', 'Svoboda', 'Dvořák',
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsen', 'Hansen', 'Nielsen',
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson',
  'Taylor', 'Thomas', 'Moore', 'Martin', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis',
  'Walker', 'Hall', 'Allen', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams',
  'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner',
  "O'Brien", 'Murphy', 'Kelly', 'Walsh', 'Byrne', 'Ryan', 'Nguyen', 'Tanaka', 'Patel', 'Okafor',
] as const;

// prettier-ignore
const PLACES = [
  'Summit', 'Harbor', 'Granite', 'Blue Ridge', 'Evergreen', 'Keystone', 'Pioneer', 'Redwood',
  'Silverline', 'Northgate', 'Lakeshore', 'Ironwood', 'Meridian', 'Cascade', 'Bayside', 'Prairie',
  'Atlas', 'Beacon', 'Copperfield', 'Riverbend', 'Oakmont', 'Westfield', 'Highland', 'Sterling',
  'Crescent', 'Falcon', 'Union', 'Liberty', 'Brightwater', 'Stonebridge', 'Maple', 'Cedar',
  'Horizon', 'Trident', 'Vanguard', 'Orchard', 'Coastal', 'Frontier', 'Midland', 'Alpen',
  'Rhein', 'Elbe', 'Nordsee', 'Ostsee', 'Bodensee', 'Schwarzwald', 'Taunus', 'Harz', 'Main',
  'Donau', 'Baltic', 'Atlantic', 'Pacific', 'Continental', 'Central', 'Eastern', 'Western',
  'Northern', 'Southern', 'Metro', 'City', 'Valley', 'Lakeside', 'Hillcrest', 'Parkway',
] as const;

// prettier-ignore
const INDUSTRIES = [
  'Mechanical', 'Construction', 'Foods', 'Logistics', 'Medical Supply', 'Electric', 'Plumbing',
  'Hospitality', 'Packaging', 'Fabrication', 'Builders', 'Distribution', 'Dental Group',
  'Auto Parts', 'Landscaping', 'Printing', 'HVAC', 'Paper', 'Steel', 'Brewing', 'Veterinary',
  'Farms', 'Labs', 'Marine', 'Restaurants', 'Facilities', 'Components', 'Tooling', 'Interiors',
  'Freight', 'Metallbau', 'Haustechnik', 'Elektrotechnik', 'Spedition', 'Bau', 'Maschinenbau',
  'Holzbau', 'Dachdecker', 'Gebäudereinigung', 'Logistik', 'Kunststofftechnik', 'Feinmechanik',
  'Transports', 'Bâtiment', 'Industrie', 'Costruzioni', 'Impianti', 'Trasporti', 'Transportes',
  'Installatietechniek', 'Bouw', 'Systems', 'Solutions', 'Technologies', 'Engineering',
  'Consulting', 'Supply', 'Trading', 'Industries', 'Manufacturing', 'Electronics', 'Pharma',
  'Chemicals', 'Textiles', 'Furniture', 'Optics', 'Hydraulics', 'Automation', 'Energy',
] as const;

// prettier-ignore
const SYLLABLES = [
  'no', 'va', 'tek', 'lin', 'tri', 'ax', 'ion', 'ora', 'zen', 'qua', 'ro', 'mex', 'dyn', 'cor',
  'sol', 'vi', 'ter', 'ra', 'max', 'on', 'el', 'ix', 'pro', 'nu', 'ka', 'lo', 'mi', 'sys', 'gen',
] as const;

/** Legal forms with the spellings banks and ERPs use for the same thing. */
export const LEGAL_FORMS: ReadonlyArray<readonly [string, readonly string[], number]> = [
  ['GmbH', ['GMBH', 'G.M.B.H.', 'GESELLSCHAFT MBH'], 22],
  ['GmbH & Co. KG', ['GMBH + CO. KG', 'GMBH U. CO KG', 'GMBH&CO.KG'], 6],
  ['AG', ['AG', 'A.G.'], 4],
  ['e.K.', ['E.K.', 'EK'], 2],
  ['LLC', ['L.L.C.', 'LLC'], 12],
  ['Inc.', ['INC', 'INCORPORATED'], 10],
  ['Ltd.', ['LTD', 'LIMITED'], 6],
  ['Corp.', ['CORP', 'CORPORATION'], 4],
  ['Co.', ['CO', 'COMPANY'], 2],
  ['S.A.', ['SA', 'S A'], 4],
  ['SARL', ['S.A.R.L.', 'SARL'], 3],
  ['S.r.l.', ['SRL', 'S.R.L.'], 3],
  ['B.V.', ['BV', 'B V'], 4],
  ['AB', ['AB', 'AKTIEBOLAG'], 1],
  ['Oy', ['OY'], 1],
  ['Sp. z o.o.', ['SP. Z O.O.', 'SP Z OO'], 2],
];

function surname(rng: Random): string {
  return rng.pick(SURNAMES);
}

function brand(rng: Random): string {
  const parts = rng.int(2, 3);
  let word = '';
  for (let i = 0; i < parts; i++) word += rng.pick(SYLLABLES);
  return word[0]!.toUpperCase() + word.slice(1);
}

/** A company's base name (no legal form), in one of several common styles. */
export function baseName(rng: Random): string {
  const style = rng.weighted([
    ['surnameIndustry', 28],
    ['partners', 12],
    ['place', 25],
    ['brand', 15],
    ['tradeFirst', 10],
    ['initials', 5],
    ['placeSurname', 5],
  ] as const);
  switch (style) {
    case 'surnameIndustry':
      return `${surname(rng)} ${rng.pick(INDUSTRIES)}`;
    case 'partners':
      return `${surname(rng)} & ${surname(rng)}${rng.chance(0.4) ? ` ${rng.pick(INDUSTRIES)}` : ''}`;
    case 'place':
      return `${rng.pick(PLACES)} ${rng.pick(INDUSTRIES)}`;
    case 'brand':
      return `${brand(rng)}${rng.chance(0.6) ? ` ${rng.pick(INDUSTRIES)}` : ''}`;
    case 'tradeFirst':
      return `${rng.pick(INDUSTRIES)} ${surname(rng)}`;
    case 'initials': {
      const letters = 'ABCDEFGHJKLMNPRSTW';
      const n = rng.int(2, 3);
      let s = '';
      for (let i = 0; i < n; i++) s += letters[rng.int(0, letters.length - 1)];
      return `${s} ${rng.pick(INDUSTRIES)}`;
    }
    case 'placeSurname':
      return `${rng.pick(PLACES)} ${surname(rng)}`;
  }
}

export function legalForm(rng: Random): readonly [string, readonly string[]] {
  const [form, variants] = rng.weighted(LEGAL_FORMS.map((f) => [[f[0], f[1]] as const, f[2]]));
  return [form, variants];
}

// prettier-ignore
export const CITIES = [
  'Hamburg', 'Berlin', 'München', 'Köln', 'Frankfurt', 'Stuttgart', 'Düsseldorf', 'Leipzig',
  'Wien', 'Zürich', 'Lyon', 'Milano', 'Rotterdam', 'Chicago', 'Denver', 'Toronto',
] as const;

/** Payment processors and factors that pay on behalf of customers under their own name. */
export const THIRD_PARTY_PAYERS = [
  'STRIPE PAYMENTS EUROPE LTD',
  'PAYPAL EUROPE S.A R.L. ET CIE S.C.A',
  'ADYEN N.V.',
  'BILL.COM LLC',
  'WISE PAYMENTS LIMITED',
  'TUNGSTEN NETWORK',
  'COUPA PAY',
  'ABC FINANZ FACTORING GMBH',
  'EUROFACTOR AG',
  'CORPAY SOLUTIONS',
] as const;

/** Senders of lines that are not customer payments. */
export const OTHER_SENDERS = [
  'FINANZAMT HAMBURG-MITTE',
  'BUNDESAGENTUR FUER ARBEIT',
  'DEUTSCHE TELEKOM AG',
  'ALLIANZ VERSICHERUNGS-AG',
  'VISA EUROPE SETTLEMENT',
  'MASTERCARD SETTLEMENT',
  'AMAZON PAYMENTS EUROPE',
  'STADTWERKE MUENCHEN',
  'DHL PAKET GMBH',
  'SHELL DEUTSCHLAND',
  'OFFICE DEPOT EUROPE',
  'KRANKENKASSE AOK',
  'IRS TREAS 310',
  'ADP PAYROLL SERVICES',
] as const;
