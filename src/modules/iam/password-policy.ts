/**
 * Password policy (口令策略) of IAM-05 / IAM-06 as pure functions: composition rules, personal
 * information the password must not contain, weak passwords, expiry and reuse.
 *
 * Violation messages never echo the matched value (name, ID number, phone…), so they can be
 * logged and shown without leaking the personal data they protect.
 */
import { pinyin } from 'pinyin-pro';

export interface PasswordPolicy {
  /** Minimum length in characters (code points). */
  minLength: number;
  requireLetters: boolean;
  requireDigits: boolean;
  requireSpecial: boolean;
  /** How many previous passwords may not be reused. */
  historySize: number;
  /** Days after which a password expires (有效期); 0 or less disables expiry. */
  maxAgeDays: number;
}

/** The policy of IAM-05 / IAM-06: 8+ characters of three classes, 5 remembered, 90 days. */
export const defaultPasswordPolicy: Readonly<PasswordPolicy> = Object.freeze({
  minLength: 8,
  requireLetters: true,
  requireDigits: true,
  requireSpecial: true,
  historySize: 5,
  maxAgeDays: 90,
});

/** The person the password belongs to; every field is optional except user name and name. */
export interface PasswordOwner {
  username: string;
  /** Real name (实名), e.g. 张伟; minority names may contain '·'. */
  name: string;
  /** 'YYYY-MM-DD'. */
  birthDate?: string | null;
  /** Citizen ID number (公民身份号码), 18 or 15 characters. */
  citizenId?: string | null;
  phone?: string | null;
}

export type PasswordViolationCode =
  | 'password.empty'
  | 'password.too_short'
  | 'password.classes'
  | 'password.contains_username'
  | 'password.contains_name'
  | 'password.contains_birthday'
  | 'password.contains_id_number'
  | 'password.contains_phone'
  | 'password.weak';

export interface PasswordViolation {
  code: PasswordViolationCode;
  message: string;
}

export type PasswordCheck = { ok: true } | { ok: false; violations: PasswordViolation[] };

// Separators people put between name parts or date parts: "zhang.wei", "1990-05-12".
const SEPARATORS = /[\s._\-/'·•]/gu;
// A username shorter than this is only refused as the whole password: "containing" a one- or
// two-letter name would refuse most passwords.
const MIN_USERNAME_CONTAINED = 3;
// Name forms shorter than this (two-letter initials such as "zw") match too many unrelated
// passwords to be useful.
const MIN_NAME_FORM = 3;
// Readings of a name combine every reading of each character (多音字); the product is capped
// so a long name of ambiguous characters stays cheap.
const MAX_READINGS = 64;
// Personal numbers are refused from this many trailing digits on ("or its last 6+ digits").
const TAIL_DIGITS = 6;
const MIN_KEYBOARD_RUN = 6;

/**
 * Common passwords that pass the composition rules, compared case-insensitively with the
 * whole password. Deliberately small: the keyboard-run rule catches most of the long tail.
 */
const WEAK_PASSWORDS: ReadonlySet<string> = new Set(
  [
    'Passw0rd!',
    'Passw0rd',
    'P@ssw0rd',
    'P@ssw0rd!',
    'P@ssw0rd1',
    'P@ssw0rd123',
    'P@55w0rd',
    'Pass@word1',
    'Password1!',
    'Password@1',
    'Admin@123',
    'Admin@1234',
    'Admin123!',
    'Admin@2024',
    'Admin@2025',
    'Root@123',
    'Test@123',
    'Huawei@123',
    'Sysadmin@123',
    'Welcome1!',
    'Changeme1!',
    'Aa123456!',
    'Aa123456.',
    'Aa12345!',
    'Abc@1234',
    'Abc@123',
    'Abc123!@#',
    'Qwer1234!',
    'Qwe123!@#',
    'Asdf1234!',
    'Zxcv1234!',
    '1qaz@WSX',
    '1qaz!QAZ',
    '1qaz2wsx!',
    'Qq123456!',
    'Woaini520!',
    'A1b2c3d4!',
  ].map((p) => p.toLowerCase()),
);

/** Keyboard and alphabet runs; any 6 consecutive characters of one, either way, are weak. */
const KEYBOARD_RUNS: readonly string[] = [
  '1234567890',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm',
  'zaq1xsw2cde3vfr4bgt5nhy6mju7',
  'zaq12wsxcde34rfvbgt56yhn', // up one column, down the next
  '1qazxsw23edcvfr45tgbnhy6',
  'qazwsxedcrfvtgbyhnujm',
  '1q2w3e4r5t6y7u8i9o0p',
  'q1w2e3r4t5y6u7i8o9p0',
];
const KEYBOARD_WINDOWS: ReadonlySet<string> = (() => {
  const windows = new Set<string>();
  for (const run of KEYBOARD_RUNS) {
    for (const s of [run, [...run].reverse().join('')]) {
      for (let i = 0; i + MIN_KEYBOARD_RUN <= s.length; i++) {
        windows.add(s.slice(i, i + MIN_KEYBOARD_RUN));
      }
    }
  }
  return windows;
})();
// Shifted digit keys, so "!@#$%^" counts as the run "123456" and "1qaz@WSX" as "1qaz2wsx".
const SHIFTED_DIGITS: Readonly<Record<string, string>> = {
  '!': '1',
  '@': '2',
  '#': '3',
  $: '4',
  '%': '5',
  '^': '6',
  '&': '7',
  '*': '8',
  '(': '9',
  ')': '0',
};

/**
 * Checks a new password against the composition rules and the owner's personal data and
 * returns every violation, not only the first. An empty (or all-blank) password reports
 * only `password.empty`.
 *
 * Refused personal forms (compared case-insensitively, ignoring separators such as
 * space . _ - / '):
 * - user name: equal to it, or containing it when it has 3+ characters;
 * - name (姓名): the name in characters; full pinyin surname-first and given-name-first
 *   ("zhangwei", "weizhang"); surname pinyin with given-name initials either way ("zhangw",
 *   "wzhang"); initials of the whole name only when 3+ letters ("zxm", not "zw"); the given
 *   name's full pinyin when it has 2+ characters ("xiaoming"). Surnames use pinyin-pro's
 *   surname readings (单 shan, 曾 zeng) and all readings of 多音字 are tried; both one- and
 *   two-character surnames (复姓, 欧阳) are assumed, which can only refuse more;
 * - birthday: yyyymmdd, yymmdd, ddmmyyyy, mmddyyyy (from `birthDate`, else from the ID
 *   number); a bare mmdd is allowed, as any 4 digits would too often match;
 * - ID number / phone: the whole number or its last 6 characters (hence any longer tail).
 *
 * @example
 * checkPassword('Zhangwei@2024', { username: 'zw01', name: '张伟' }, defaultPasswordPolicy)
 * // { ok: false, violations: [{ code: 'password.contains_name', message: '密码不得包含本人姓名（汉字或拼音）' }] }
 */
export function checkPassword(
  password: string,
  person: PasswordOwner,
  policy: PasswordPolicy = defaultPasswordPolicy,
): PasswordCheck {
  if (password.trim() === '') {
    return { ok: false, violations: [violation('password.empty', '密码不能为空')] };
  }
  const violations: PasswordViolation[] = [];
  const lower = password.toLowerCase();
  const compact = lower.replace(SEPARATORS, '');

  if ([...password].length < policy.minLength) {
    violations.push(violation('password.too_short', `密码长度至少 ${policy.minLength} 位`));
  }

  const classes = [
    { label: '字母', required: policy.requireLetters, present: /[a-z]/i.test(password) },
    { label: '数字', required: policy.requireDigits, present: /[0-9]/.test(password) },
    // Special = neither letter nor digit nor blank, so full-width punctuation (！，) counts.
    {
      label: '特殊字符',
      required: policy.requireSpecial,
      present: /[^\p{L}\p{N}\s]/u.test(password),
    },
  ].filter((c) => c.required);
  const missing = classes.filter((c) => !c.present).map((c) => c.label);
  if (missing.length > 0) {
    const labels = classes.map((c) => c.label);
    const all =
      labels.length > 1 ? `${labels.slice(0, -1).join('、')}和${labels.at(-1)}` : labels.join('');
    violations.push(
      violation('password.classes', `密码须同时包含${all}，缺少：${missing.join('、')}`),
    );
  }

  if (containsUsername(lower, compact, person.username)) {
    violations.push(violation('password.contains_username', '密码不得等于或包含用户名'));
  }
  if (nameForms(person.name).some((form) => compact.includes(form))) {
    violations.push(violation('password.contains_name', '密码不得包含本人姓名（汉字或拼音）'));
  }
  const birth = birthDigits(person.birthDate, person.citizenId);
  if (birth !== null && birthdayForms(birth).some((form) => compact.includes(form))) {
    violations.push(violation('password.contains_birthday', '密码不得包含本人出生日期'));
  }
  if (containsTail(compact, person.citizenId, /[^0-9x]/g)) {
    violations.push(
      violation('password.contains_id_number', '密码不得包含本人身份证号码或其后 6 位'),
    );
  }
  if (containsTail(compact, person.phone, /[^0-9]/g)) {
    violations.push(violation('password.contains_phone', '密码不得包含本人电话号码或其后 6 位'));
  }
  if (isWeak(lower)) {
    violations.push(
      violation('password.weak', '密码过于简单（常见弱口令、键盘连续或重复字符），请更换'),
    );
  }

  return violations.length === 0 ? { ok: true } : { ok: false, violations };
}

/**
 * Whether a password last changed at `changedAt` has expired (IAM-06: after 3 months).
 * An unreadable timestamp counts as expired, so a bad record forces a change rather than
 * letting an old password live forever.
 *
 * @example
 * passwordExpired('2025-01-01T00:00:00Z', new Date('2025-04-01T00:00:00Z'), defaultPasswordPolicy) // true (90 days)
 */
export function passwordExpired(
  changedAt: string,
  now: Date,
  policy: Pick<PasswordPolicy, 'maxAgeDays'> = defaultPasswordPolicy,
): boolean {
  if (policy.maxAgeDays <= 0) return false;
  const changed = Date.parse(changedAt);
  if (Number.isNaN(changed)) return true;
  return now.getTime() - changed >= policy.maxAgeDays * 86_400_000;
}

/**
 * Whether `password` matches one of the last `historySize` password hashes (IAM-06: previously
 * used passwords are refused). `previousHashes` is newest first; older entries are ignored.
 * `verify` is the hash check, e.g. `verifyPassword` of ./password.ts.
 *
 * @example
 * await isReused('N3w!pass', [currentHash, olderHash], verifyPassword) // false
 */
export async function isReused(
  password: string,
  previousHashes: readonly string[],
  verify: (hash: string, password: string) => Promise<boolean>,
  policy: Pick<PasswordPolicy, 'historySize'> = defaultPasswordPolicy,
): Promise<boolean> {
  // One at a time: each argon2 check takes ~19 MiB, and a match ends the loop early.
  for (const hash of previousHashes.slice(0, Math.max(0, policy.historySize))) {
    if (await verify(hash, password)) return true;
  }
  return false;
}

function violation(code: PasswordViolationCode, message: string): PasswordViolation {
  return { code, message };
}

function containsUsername(lower: string, compact: string, username: string): boolean {
  const name = username.trim().toLowerCase();
  if (name === '') return false;
  if (lower === name) return true;
  if ([...name].length < MIN_USERNAME_CONTAINED) return false;
  const compactName = name.replace(SEPARATORS, '');
  return lower.includes(name) || (compactName !== '' && compact.includes(compactName));
}

/**
 * Lower-case forms of a name that a password may not contain (see checkPassword); exported
 * so the rule can be shown to users and tested.
 *
 * @example
 * nameForms('张伟') // ['张伟', 'zhangwei', 'weizhang', 'zhangw', 'wzhang']
 */
export function nameForms(name: string): string[] {
  const hanOnly = name.replace(SEPARATORS, '');
  const forms = new Set<string>();
  if (/\p{Script=Han}/u.test(hanOnly)) forms.add(hanOnly);

  for (const syllables of nameReadings(name)) {
    const n = syllables.length;
    if (n === 0) continue;
    forms.add(syllables.join(''));
    forms.add(initials(syllables));
    for (let k = 1; k <= Math.min(2, n - 1); k++) {
      const surname = syllables.slice(0, k).join('');
      const given = syllables.slice(k);
      forms.add(given.join('') + surname);
      forms.add(surname + initials(given));
      forms.add(initials(given) + surname);
      if (given.length >= 2) forms.add(given.join(''));
    }
  }
  // Han forms are whole names of 2+ characters; letter forms must be 3+ letters long.
  return [...forms].filter((f) => /\p{Script=Han}/u.test(f) || f.length >= MIN_NAME_FORM);
}

function initials(syllables: readonly string[]): string {
  return syllables.map((s) => s[0] ?? '').join('');
}

/**
 * Every reading of the name as a list of lower-case syllables: Han characters one syllable
 * each (surname reading first, then the other readings of 多音字), runs of Latin letters as
 * one syllable each ("John Smith", transliterated parts).
 */
function nameReadings(name: string): string[][] {
  const parts = name.toLowerCase().match(/\p{Script=Han}|[a-z]+/gu) ?? [];
  if (parts.length === 0) return [];
  const han = parts.filter((p) => /\p{Script=Han}/u.test(p)).join('');
  // Surname mode reads the head of the string as a surname: 单 shan, 曾 zeng, 区 ou.
  const surnameReading =
    han === '' ? [] : pinyin(han, { toneType: 'none', type: 'array', surname: 'head', v: true });

  // Readings are chosen per distinct character: 乐乐 is "lele" or "yueyue", never "leyue".
  const choices = new Map<string, string[]>();
  let hanIndex = 0;
  for (const part of parts) {
    if (!/\p{Script=Han}/u.test(part)) continue;
    const first = surnameReading[hanIndex++];
    if (choices.has(part)) continue;
    const all = pinyin(part, { toneType: 'none', type: 'array', multiple: true, v: true });
    choices.set(
      part,
      unique([...(first === undefined ? [] : [first]), ...all].flatMap(umlautSpellings)),
    );
  }

  let assignments = [new Map<string, string>()];
  for (const [char, readings] of choices) {
    assignments = assignments
      .flatMap((chosen) => readings.map((r) => new Map(chosen).set(char, r)))
      .slice(0, MAX_READINGS);
  }
  return assignments.map((chosen) => parts.map((part) => chosen.get(part) ?? part));
}

/** 吕 lü is typed "lv" (pinyin input), "lu" or "lyu" (passport spelling). */
function umlautSpellings(syllable: string): string[] {
  const s = syllable.replace(/ü/g, 'v');
  return s.includes('v') ? [s, s.replace(/v/g, 'u'), s.replace(/v/g, 'yu')] : [s];
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** The birth date as 'yyyymmdd', from the birth date field or else the citizen ID number. */
function birthDigits(
  birthDate: string | null | undefined,
  citizenId: string | null | undefined,
): string | null {
  const fromField = /^(\d{4})-(\d{2})-(\d{2})/.exec(birthDate?.trim() ?? '');
  if (fromField) return `${fromField[1]}${fromField[2]}${fromField[3]}`;
  const id = citizenId?.trim().toUpperCase() ?? '';
  // GB 11643: characters 7–14 of the 18-digit number; 15-digit numbers carry a 2-digit year.
  if (/^\d{17}[\dX]$/.test(id)) return id.slice(6, 14);
  if (/^\d{15}$/.test(id)) return `19${id.slice(6, 12)}`;
  return null;
}

function birthdayForms(yyyymmdd: string): string[] {
  const yyyy = yyyymmdd.slice(0, 4);
  const mm = yyyymmdd.slice(4, 6);
  const dd = yyyymmdd.slice(6, 8);
  return [yyyymmdd, yyyy.slice(2) + mm + dd, dd + mm + yyyy, mm + dd + yyyy];
}

/** Whether the password contains the number or its last 6 characters (hence any longer tail). */
function containsTail(compact: string, value: string | null | undefined, strip: RegExp): boolean {
  const number = value?.toLowerCase().replace(strip, '') ?? '';
  if (number === '') return false;
  return compact.includes(number.length > TAIL_DIGITS ? number.slice(-TAIL_DIGITS) : number);
}

function isWeak(lower: string): boolean {
  if (WEAK_PASSWORDS.has(lower)) return true;
  if (/(.)\1{5,}/u.test(lower)) return true;
  const keys = [...lower].map((c) => SHIFTED_DIGITS[c] ?? c).join('');
  for (let i = 0; i + MIN_KEYBOARD_RUN <= keys.length; i++) {
    if (KEYBOARD_WINDOWS.has(keys.slice(i, i + MIN_KEYBOARD_RUN))) return true;
  }
  return false;
}
