import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataItem } from '../catalog/elements.ts';
import {
  defaultMaskRule,
  effectiveMasking,
  hiddenValue,
  maskValue,
  parseMaskDecision,
} from './masking.ts';

const item = (over: Partial<DataItem>): DataItem => ({
  name: '信息项',
  identifier: 'item',
  type: 'C',
  length: 50,
  scale: null,
  isKey: false,
  required: false,
  sensitive: false,
  rule: null,
  description: '',
  ...over,
});

test('[EXC-02] each masking rule shows only what it says', () => {
  assert.equal(maskValue('130102195203012118', 'id_6_4'), '130102********2118');
  assert.equal(maskValue('张三丰', 'name_first'), '张**');
  assert.equal(maskValue('欧阳娜娜', 'name_first'), '欧***');
  assert.equal(maskValue('13800138000', 'phone_3_4'), '138****8000');
  assert.equal(maskValue('6222020200112233', 'keep_last_4'), '************2233');
  assert.equal(maskValue('任何内容', 'full'), hiddenValue);
  assert.equal(maskValue(1520.5, 'full'), hiddenValue);
  // Too short to keep anything: all hidden; null stays null.
  assert.equal(maskValue('123', 'keep_last_4'), '***');
  assert.equal(maskValue('12345', 'id_6_4'), '*****');
  assert.equal(maskValue(null, 'id_6_4'), null);
});

test('[EXC-02] sensitive items are masked by default by their kind; the provider may decide otherwise', () => {
  const items = [
    item({
      identifier: 'id_number',
      name: '公民身份号码',
      sensitive: true,
      rule: { kind: 'citizen_id' },
    }),
    item({ identifier: 'name', name: '姓名', sensitive: true }),
    item({ identifier: 'mobile', name: '手机', sensitive: true, rule: { kind: 'phone' } }),
    item({ identifier: 'bank_account', name: '银行账号', sensitive: true }),
    item({ identifier: 'category', name: '类别' }),
  ];
  assert.equal(defaultMaskRule(items[0]!), 'id_6_4');
  assert.equal(defaultMaskRule(items[1]!), 'name_first');
  assert.equal(defaultMaskRule(items[2]!), 'phone_3_4');
  assert.equal(defaultMaskRule(items[3]!), 'full');
  const fields = items.map((i) => i.identifier);
  assert.deepEqual(effectiveMasking(items, fields, null), {
    id_number: 'id_6_4',
    name: 'name_first',
    mobile: 'phone_3_4',
    bank_account: 'full',
  });
  // The provider shows the name in clear, keeps the last 4 of the account, masks the category.
  assert.deepEqual(
    effectiveMasking(items, fields, {
      name: 'none',
      bank_account: 'keep_last_4',
      category: 'full',
    }),
    { id_number: 'id_6_4', mobile: 'phone_3_4', bank_account: 'keep_last_4', category: 'full' },
  );
  // Only the grant's fields count.
  assert.deepEqual(effectiveMasking(items, ['category'], null), {});
  // A stored decision that cannot be read is no decision; unknown rules are dropped.
  assert.equal(parseMaskDecision('{not json'), null);
  assert.deepEqual(parseMaskDecision('{"name":"none","x":"reveal"}'), { name: 'none' });
});
