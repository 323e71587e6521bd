/**
 * Synthetic people (虚构人员) for demo data and benchmarks: plausible names, valid and unique
 * citizen ID numbers, phones and addresses. Deterministic for a seed, fast enough for
 * millions of rows, and never real: the numbers are valid in form only.
 */
import { CITIZEN_ID_CHECK_CHARS, CITIZEN_ID_WEIGHTS } from '../ids/citizen-id.ts';
import { epochDayOf, isoOfEpochDay } from '../calendar/dates.ts';
import { loadNationalTable } from '../divisions/national.ts';
import type { DivisionRow } from '../divisions/codes.ts';
import {
  ETHNICITIES,
  FEMALE_CHARS,
  MALE_CHARS,
  PHONE_PREFIXES,
  PLACE_STEMS,
  SURNAMES,
} from './name-pools.ts';

export interface Person {
  name: string;
  /** Valid GB 11643 number; its sequence digit matches `sex`, its birth digits `birthDate`. */
  citizenId: string;
  sex: 'male' | 'female';
  birthDate: string;
  /** Ethnic group (民族), e.g. 汉族. */
  ethnicity: string;
  /** 11-digit mobile number. */
  phone: string;
  address: string;
  /** The 6-digit division the ID number and address belong to. */
  divisionCode: string;
}

export interface PeopleGenerator {
  next(): Person;
  /** `n` people at once. */
  take(n: number): Person[];
  /** How many people this generator can still make without repeating an ID number. */
  remaining(): number;
}

/**
 * mulberry32: a tiny 32-bit PRNG, good enough for demo data and reproducible across runs
 * and platforms (Math.random is neither seedable nor reproducible).
 * @example const rnd = mulberry32(42); rnd() // a float in [0, 1)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Birth dates from 1930-01-01 to 2005-12-31: adults and the elderly of civil-affairs records.
const FIRST_DAY = epochDayOf(1930, 1, 1);
const DAYS = epochDayOf(2006, 1, 1) - FIRST_DAY;
// Each (division, birth date) has 500 sequence numbers per sex (odd = male, even = female).
const SLOTS = DAYS * 500;

/** Expands (item, weight) pairs into a table sampled with one random index. */
function expand(pairs: readonly (readonly [string, number])[]): string[] {
  return pairs.flatMap(([item, weight]) => Array<string>(weight).fill(item));
}
const SURNAME_TABLE = expand(SURNAMES);
const ETHNICITY_TABLE = expand(ETHNICITIES);

// Per birth day: the 8 ID digits, the ISO date and their share of the weighted check sum.
let dayParts: { id8: string[]; iso: string[]; sum: Int32Array } | null = null;
function birthDays(): NonNullable<typeof dayParts> {
  if (dayParts) return dayParts;
  const id8: string[] = [];
  const iso: string[] = [];
  const sum = new Int32Array(DAYS);
  for (let i = 0; i < DAYS; i++) {
    const date = isoOfEpochDay(FIRST_DAY + i);
    const digits = date.replaceAll('-', '');
    iso.push(date);
    id8.push(digits);
    let s = 0;
    for (let k = 0; k < 8; k++) s += (digits.charCodeAt(k) - 48) * CITIZEN_ID_WEIGHTS[6 + k]!;
    sum[i] = s;
  }
  return (dayParts = { id8, iso, sum });
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** "广东省东莞市", "北京市朝阳区": the division's name with its ancestors. */
function fullName(code: string, byCode: ReadonlyMap<string, DivisionRow>): string {
  const parts: string[] = [];
  for (
    let row = byCode.get(code);
    row;
    row = row.parentCode ? byCode.get(row.parentCode) : undefined
  ) {
    parts.unshift(row.name);
  }
  return parts.join('');
}

/**
 * Creates a deterministic generator of synthetic people living in `divisionCodes` (6-digit
 * county or city codes from the national table). ID numbers are unique per generator: each
 * division's n-th person gets slot n of a fixed permutation of (birth date, sequence) pairs,
 * so no set of issued numbers is kept. Throws RangeError for an empty list or unknown codes.
 * @example
 * const gen = createPeopleGenerator(42, ['110105', '441900']);
 * gen.next() // { name: '王芳', citizenId: '441900…', sex: 'female', birthDate: '1967-03-02', … }
 */
export function createPeopleGenerator(
  seed: number,
  divisionCodes: readonly string[],
): PeopleGenerator {
  const codes = [...new Set(divisionCodes)];
  if (codes.length === 0) throw new RangeError('createPeopleGenerator needs division codes');
  const byCode = new Map(loadNationalTable().map((r) => [r.code, r]));
  const unknown = codes.filter((c) => !/^\d{6}$/.test(c) || !byCode.has(c));
  if (unknown.length > 0) {
    throw new RangeError(`unknown division codes: ${unknown.slice(0, 5).join(', ')}`);
  }
  const rnd = mulberry32(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

  const days = birthDays();
  const names = codes.map((c) => fullName(c, byCode));
  const divisionSums = codes.map((c) => {
    let s = 0;
    for (let k = 0; k < 6; k++) s += (c.charCodeAt(k) - 48) * CITIZEN_ID_WEIGHTS[k]!;
    return s;
  });
  // Slot n of division d → (n·A + B_d) mod SLOTS: a permutation because gcd(A, SLOTS) = 1,
  // and it spreads consecutive people over birth dates. n·A < 2^53, so it stays exact.
  let stride = 0;
  do stride = SLOTS / 3 + int(SLOTS / 2);
  while (gcd(stride, SLOTS) !== 1);
  const offsets = codes.map(() => int(SLOTS));
  const used = new Uint32Array(codes.length);
  let remaining = codes.length * SLOTS;

  function next(): Person {
    if (remaining === 0) throw new RangeError('people generator exhausted');
    let d = int(codes.length);
    while (used[d]! >= SLOTS) d = (d + 1) % codes.length; // a full division passes its turn
    const slot = (used[d]! * stride + offsets[d]!) % SLOTS;
    used[d]!++;
    remaining--;
    const day = slot % DAYS;
    const male = rnd() < 0.5;
    const seq = ((slot - day) / DAYS) * 2 + (male ? 1 : 0);
    const seqText = seq < 10 ? `00${seq}` : seq < 100 ? `0${seq}` : String(seq);
    const sum =
      divisionSums[d]! +
      days.sum[day]! +
      Math.floor(seq / 100) * 8 +
      (Math.floor(seq / 10) % 10) * 4 +
      (seq % 10) * 2;
    const chars = male ? MALE_CHARS : FEMALE_CHARS;
    const given = rnd() < 0.35 ? pick(chars) : pick(chars) + pick(chars);
    const town = pick(PLACE_STEMS);
    const street = rnd() < 0.3;
    const phoneTail = String(int(100_000_000)).padStart(8, '0');
    return {
      name: pick(SURNAME_TABLE) + given,
      citizenId: codes[d]! + days.id8[day]! + seqText + CITIZEN_ID_CHECK_CHARS[sum % 11]!,
      sex: male ? 'male' : 'female',
      birthDate: days.iso[day]!,
      ethnicity: pick(ETHNICITY_TABLE),
      phone: pick(PHONE_PREFIXES) + phoneTail,
      address: `${names[d]!}${town}${street ? '街道' : rnd() < 0.8 ? '镇' : '乡'}${pick(PLACE_STEMS)}${street ? '社区' : '村'}${1 + int(300)}号`,
      divisionCode: codes[d]!,
    };
  }

  return {
    next,
    take: (n) => Array.from({ length: n }, next),
    remaining: () => remaining,
  };
}
