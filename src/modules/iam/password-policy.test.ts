import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pinyin } from 'pinyin-pro';
import { hashPassword, verifyPassword } from './password.ts';
import {
  checkPassword,
  defaultPasswordPolicy,
  isReused,
  nameForms,
  passwordExpired,
  type PasswordOwner,
  type PasswordViolationCode,
} from './password-policy.ts';

const zhangWei: PasswordOwner = {
  username: 'clerk01',
  name: '张伟',
  birthDate: '1990-05-12',
  citizenId: '110105199005120017',
  phone: '13800138000',
};

// A password that breaks none of the rules for any person used below.
const STRONG = 'Kq7#Lm2!xv';

function codes(password: string, person: PasswordOwner = zhangWei, policy = defaultPasswordPolicy) {
  const result = checkPassword(password, person, policy);
  return result.ok ? [] : result.violations.map((v) => v.code);
}

function refusedFor(
  code: PasswordViolationCode,
  passwords: readonly string[],
  person: PasswordOwner = zhangWei,
) {
  for (const p of passwords) assert.ok(codes(p, person).includes(code), `${p} → ${code}`);
}

function allowedFor(
  code: PasswordViolationCode,
  passwords: readonly string[],
  person: PasswordOwner = zhangWei,
) {
  for (const p of passwords) assert.ok(!codes(p, person).includes(code), `${p} ↛ ${code}`);
}

describe('password policy (口令策略)', () => {
  test('[IAM-05] a password that breaks no rule passes', () => {
    assert.deepEqual(checkPassword(STRONG, zhangWei, defaultPasswordPolicy), { ok: true });
    assert.deepEqual(checkPassword(STRONG, zhangWei), { ok: true }); // default policy
  });

  test('[IAM-05] the default policy is 8 characters of three classes, 5 remembered, 90 days', () => {
    assert.deepEqual(
      { ...defaultPasswordPolicy },
      {
        minLength: 8,
        requireLetters: true,
        requireDigits: true,
        requireSpecial: true,
        historySize: 5,
        maxAgeDays: 90,
      },
    );
    assert.ok(Object.isFrozen(defaultPasswordPolicy));
  });

  test('[IAM-06] empty and blank passwords are refused with password.empty only', () => {
    for (const p of ['', '   ', '\t\n']) {
      assert.deepEqual(checkPassword(p, zhangWei, defaultPasswordPolicy), {
        ok: false,
        violations: [{ code: 'password.empty', message: '密码不能为空' }],
      });
    }
  });

  test('[IAM-05] fewer than minLength characters is too short, counted in code points', () => {
    const result = checkPassword('Kq7#Lm2', zhangWei, defaultPasswordPolicy);
    assert.deepEqual(result, {
      ok: false,
      violations: [{ code: 'password.too_short', message: '密码长度至少 8 位' }],
    });
    assert.deepEqual(codes('Kq7#Lm2!'), []); // exactly 8
    assert.ok(
      codes(STRONG, zhangWei, { ...defaultPasswordPolicy, minLength: 12 }).includes(
        'password.too_short',
      ),
    );
    // Seven characters, one of them astral (two UTF-16 units): still too short.
    assert.ok(codes('Kq7#L😀2').includes('password.too_short'));
  });

  test('[IAM-05] letters, digits and special characters are all required; the missing ones are named', () => {
    const result = checkPassword('kqxlmzvt', zhangWei, defaultPasswordPolicy);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.violations, [
      {
        code: 'password.classes',
        message: '密码须同时包含字母、数字和特殊字符，缺少：数字、特殊字符',
      },
    ]);
    const digitsOnly = checkPassword('80417359', zhangWei, defaultPasswordPolicy);
    assert.match(!digitsOnly.ok ? digitsOnly.violations[0]!.message : '', /缺少：字母、特殊字符$/);
    refusedFor('password.classes', ['Kq7xLm2pxv', 'Kq#xLm!pxv', '87#4!6%1(3']);
    // Full-width punctuation counts as a special character; a space does not.
    allowedFor('password.classes', ['Kq7！Lm2pxv']);
    refusedFor('password.classes', ['Kq7 Lm2pxv']);
  });

  test('[IAM-05] a policy may relax a class; the message names only the required ones', () => {
    const policy = { ...defaultPasswordPolicy, requireSpecial: false };
    assert.deepEqual(codes('Kq7xLm2pxv', zhangWei, policy), []);
    const result = checkPassword('kqxlmzvt', zhangWei, policy);
    assert.deepEqual(!result.ok && result.violations, [
      { code: 'password.classes', message: '密码须同时包含字母和数字，缺少：数字' },
    ]);
  });

  test('[IAM-05] a password equal to or containing the user name is refused, case-insensitively', () => {
    refusedFor('password.contains_username', ['Clerk01!x', 'x#CLERK01', 'a.clerk01.2024!']);
    // Separators in the user name or the password do not hide it.
    const dotted = { ...zhangWei, username: 'wang.clerk' };
    refusedFor(
      'password.contains_username',
      ['Wang.Clerk#9', 'wangclerk#9A', 'wang-clerk#9A'],
      dotted,
    );
    allowedFor('password.contains_username', [STRONG, 'Clerk#9xyz']);
  });

  test('[IAM-05] a user name shorter than 3 characters is refused only as the whole password', () => {
    const short = { ...zhangWei, username: 'Lq' };
    refusedFor('password.contains_username', ['lq', 'LQ'], short);
    allowedFor('password.contains_username', ['Lq#8malt9x', STRONG], short);
  });

  test('[IAM-05] the name is refused in characters and in full pinyin, with or without separators', () => {
    refusedFor('password.contains_name', [
      '张伟@2024abc',
      'Zhangwei#8',
      'ZHANGWEI#8q',
      'zhang.wei#8Q',
      'zhang_wei#8Q',
      'Zhang Wei#8Q',
      'Wei.Zhang#8', // given name first, as in e-mail addresses
      'ZhangW#2024x', // surname + given-name initial
      'wzhang#2024X',
    ]);
    assert.deepEqual(codes('Zhangwei@2024'), ['password.contains_name']);
  });

  test('[IAM-05] two-letter initials and single syllables are not refused (too many false positives)', () => {
    allowedFor('password.contains_name', ['Zw#2024xkq', 'Zhang#2024q', 'Wei#2024qk', '张#2024qkx']);
    assert.deepEqual(nameForms('张伟'), ['张伟', 'zhangwei', 'weizhang', 'zhangw', 'wzhang']);
  });

  test('[IAM-05] initials of 3+ letters and a 2+ character given name are refused', () => {
    const zhangXiaoming = { ...zhangWei, name: '张小明' };
    refusedFor('password.contains_name', ['Zxm@2024q', 'xiaoming#7Q', 'ZhangXM#7q'], zhangXiaoming);
    allowedFor('password.contains_name', ['Ming#2024q', STRONG], zhangXiaoming);
  });

  test('[IAM-05] compound surnames (复姓): 欧阳娜娜 → ouyangnana, oynn, ouyangnn', () => {
    const ouyang = { ...zhangWei, name: '欧阳娜娜' };
    assert.deepEqual(pinyin('欧阳娜娜', { toneType: 'none', type: 'array', surname: 'head' }), [
      'ou',
      'yang',
      'na',
      'na',
    ]);
    refusedFor(
      'password.contains_name',
      [
        'OuYangNaNa#1',
        'ouyang.nana#1',
        'oynn#2024x',
        'Ouyangnn#2024',
        'nana.ouyang#1',
        '欧阳娜娜1!a',
      ],
      ouyang,
    );
    const sima = { ...zhangWei, name: '司马光' };
    refusedFor('password.contains_name', ['Simaguang#1', 'smg@2024Q', 'simag#2024Q'], sima);
  });

  test('[IAM-05] polyphonic surnames (多音字) use the surname reading: 单 shan, 曾 zeng, 区 ou', () => {
    const head = (name: string) =>
      pinyin(name, { toneType: 'none', type: 'array', surname: 'head' })[0];
    assert.equal(head('单雄信'), 'shan');
    assert.equal(head('曾国藩'), 'zeng');
    assert.equal(head('区志明'), 'ou');
    // Without surname mode the common reading would be used, which is why it is on.
    assert.equal(pinyin('单', { toneType: 'none' }), 'dan');

    refusedFor('password.contains_name', ['Shanxiongxin#1', 'ShanXX#2024q'], {
      ...zhangWei,
      name: '单雄信',
    });
    refusedFor('password.contains_name', ['zengguofan#1Q', 'Zeng.Guofan#1'], {
      ...zhangWei,
      name: '曾国藩',
    });
    refusedFor('password.contains_name', ['Ouzhiming#1Q'], { ...zhangWei, name: '区志明' });
    // The other readings are refused too: whoever guesses does not know the right one.
    refusedFor('password.contains_name', ['Danxiongxin#1'], { ...zhangWei, name: '单雄信' });
  });

  test('[IAM-05] ü is refused as typed: 吕布 → lvbu, lubu, lyubu', () => {
    refusedFor('password.contains_name', ['Lvbu#2024q', 'LuBu#2024q', 'Lyubu#2024q'], {
      ...zhangWei,
      name: '吕布',
    });
  });

  test('[IAM-05] names with a middle dot and Latin names are handled', () => {
    refusedFor('password.contains_name', ['Maimaitiaili#1', '买买提艾力#1a', 'mmtal@2024Q'], {
      ...zhangWei,
      name: '买买提·艾力',
    });
    refusedFor('password.contains_name', ['JohnSmith#1', 'smith.john#1'], {
      ...zhangWei,
      name: 'John Smith',
    });
  });

  test('[IAM-05] the birthday is refused as yyyymmdd, yymmdd, ddmmyyyy and mmddyyyy', () => {
    refusedFor('password.contains_birthday', [
      'Ab!19900512',
      'Ab!900512x',
      'Ab!12051990',
      'Ab!05121990',
      'Ab!1990-05-12',
      'Ab!1990.05.12',
      'Ab!1990/05/12',
    ]);
    // A bare month-day is allowed: any four digits would too often match someone's birthday.
    allowedFor('password.contains_birthday', ['Ab!x0512qz', 'Ab!1990qzk', STRONG]);
  });

  test('[IAM-05] without a birth date field, the birthday is read from the ID number', () => {
    const noBirthDate = { ...zhangWei, birthDate: null };
    refusedFor('password.contains_birthday', ['Ab!900512x'], noBirthDate);
    const legacy15 = { ...zhangWei, birthDate: undefined, citizenId: '110105900512001' };
    refusedFor('password.contains_birthday', ['Ab!19900512'], legacy15);
    const nothing = { username: 'clerk01', name: '张伟' };
    assert.deepEqual(codes('Ab!19900512', nothing), []);
  });

  test('[IAM-05] the ID number or its last 6+ characters is refused', () => {
    refusedFor('password.contains_id_number', [
      'Ab!110105199005120017',
      'Ab!120017q',
      'Ab!5120017q',
    ]);
    allowedFor('password.contains_id_number', ['Ab!20017qx', STRONG]);
    // A trailing X check character matches in either case.
    const withX = { ...zhangWei, citizenId: '11010519491231002X' };
    refusedFor('password.contains_id_number', ['Ab!31002x', 'Ab!31002X'], withX);
  });

  test('[IAM-05] the phone number or its last 6+ digits is refused, separators ignored', () => {
    refusedFor('password.contains_phone', [
      'Ab!13800138000',
      'Ab!138000q',
      'Ab!0138000q',
      'Ab!138-0013-8000',
    ]);
    allowedFor('password.contains_phone', ['Ab!38000qx', STRONG]);
    const international = { ...zhangWei, phone: '+86 139 1234 5678' };
    refusedFor('password.contains_phone', ['Ab!345678q', 'Ab!13912345678'], international);
  });

  test('[IAM-06] common weak passwords are refused, case-insensitively', () => {
    refusedFor('password.weak', [
      'Passw0rd!',
      'passw0rd!',
      'ADMIN@123',
      'Admin@123',
      'P@ssw0rd',
      'Aa123456!',
      'Qwer1234!',
      '1qaz@WSX',
      'Abc@1234',
    ]);
  });

  test('[IAM-06] keyboard and alphabet runs of 6+ and repeated characters are weak', () => {
    refusedFor('password.weak', [
      'Xy!qwerty9',
      'Zz#123456',
      'Asdfgh#1',
      'Mx#7ytrewq', // reversed row
      '!@#$%^Ab', // shifted digits = 123456
      'Ab1!zaq12wsx',
      'Kq#abcdef1',
      'Kq#654321a',
      'aaaaaa1!B',
    ]);
    allowedFor('password.weak', [STRONG, 'Qwe1!zx9k', 'Asdf#19kq', 'Kq#12345a']);
  });

  test('[IAM-05] every violation is reported, not only the first', () => {
    const person = { ...zhangWei, username: 'zhangwei' };
    assert.deepEqual(codes('zhangwei', person), [
      'password.classes',
      'password.contains_username',
      'password.contains_name',
    ]);
    assert.deepEqual(codes('zw900512', person).sort(), [
      'password.classes',
      'password.contains_birthday',
    ]);
    assert.deepEqual(codes('123456'), ['password.too_short', 'password.classes', 'password.weak']);
  });

  test('[IAM-05] messages are Chinese and never echo the personal data they protect', () => {
    const result = checkPassword('Zhangwei!13800138000', zhangWei, defaultPasswordPolicy);
    assert.equal(result.ok, false);
    for (const v of result.ok ? [] : result.violations) {
      assert.match(v.message, /^密码/);
      assert.doesNotMatch(v.message, /zhang|张伟|13800138000|138000/i);
    }
  });

  test('[IAM-06] a password expires after maxAgeDays (90 days by default)', () => {
    const changed = '2025-01-01T00:00:00Z';
    const day = (n: number) => new Date(Date.parse(changed) + n * 86_400_000);
    assert.equal(passwordExpired(changed, day(89), defaultPasswordPolicy), false);
    assert.equal(
      passwordExpired(changed, new Date(day(90).getTime() - 1), defaultPasswordPolicy),
      false,
    );
    assert.equal(passwordExpired(changed, day(90), defaultPasswordPolicy), true);
    assert.equal(passwordExpired(changed, day(400)), true);
    assert.equal(
      passwordExpired(changed, day(31), { ...defaultPasswordPolicy, maxAgeDays: 30 }),
      true,
    );
  });

  test('[IAM-06] maxAgeDays 0 disables expiry; an unreadable timestamp counts as expired', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    assert.equal(passwordExpired('2000-01-01T00:00:00Z', now, { maxAgeDays: 0 }), false);
    assert.equal(passwordExpired('not a date', now, defaultPasswordPolicy), true);
  });

  test('[IAM-06] a password among the last historySize hashes is refused as reused', async () => {
    const old = ['Old#pass1', 'Old#pass2', 'Old#pass3', 'Old#pass4', 'Old#pass5', 'Old#pass6'];
    const hashes = await Promise.all(old.map((p) => hashPassword(p))); // newest first
    assert.equal(await isReused('Old#pass1', hashes, verifyPassword), true);
    assert.equal(await isReused('Old#pass5', hashes, verifyPassword, defaultPasswordPolicy), true);
    // The sixth is beyond the remembered five.
    assert.equal(await isReused('Old#pass6', hashes, verifyPassword, defaultPasswordPolicy), false);
    assert.equal(await isReused('New#pass7', hashes, verifyPassword), false);
    assert.equal(await isReused('Old#pass1', [], verifyPassword), false);
  });

  test('[IAM-06] the history check stops at a match and never looks past historySize', async () => {
    const seen: string[] = [];
    const verify = async (hash: string, pw: string) => {
      seen.push(hash);
      return hash === `h:${pw}`;
    };
    const hashes = ['h:a', 'h:b', 'h:c', 'h:d'];
    assert.equal(await isReused('b', hashes, verify, { historySize: 3 }), true);
    assert.deepEqual(seen, ['h:a', 'h:b']);
    seen.length = 0;
    assert.equal(await isReused('d', hashes, verify, { historySize: 3 }), false);
    assert.deepEqual(seen, ['h:a', 'h:b', 'h:c']);
    seen.length = 0;
    assert.equal(await isReused('a', hashes, verify, { historySize: 0 }), false);
    assert.deepEqual(seen, []);
  });
});
