/** The registry's state machines and record checks, without a database. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeCitizenId } from '../../lib/ids/citizen-id.ts';
import { checkDuties } from '../iam/duties.ts';
import {
  checkFieldsOf,
  detectProblems,
  materialsComplete,
  recordFindings,
  type CheckedRecord,
} from './checks.ts';
import type { Category } from './schemas.ts';
import { kindAllowed, recordWorkflow, registryDutyRoles, requestWorkflow } from './workflow.ts';

const disabled: Category = {
  code: '11',
  name: '伤残军人',
  certificateName: '残疾军人证',
  requiredBenefit: ['disabilityGrade', 'disabilityNature'],
  forbiddenBenefit: ['deceasedName', 'relation'],
  active: true,
  sort: 1,
};

const record = (overrides: Partial<CheckedRecord> = {}): CheckedRecord => ({
  name: '李长顺',
  id_number: makeCitizenId('130123', '19520301', 113),
  id_valid: 1,
  id_verified_at: null,
  sex: '男',
  birth_date: '1952-03-01',
  ethnicity: '汉族',
  division_code: '130123100',
  address: '正定县正定镇燕赵南大街 18 号',
  phone: null,
  category_code: '11',
  benefit: JSON.stringify({ disabilityGrade: '六级', disabilityNature: '因公' }),
  ...overrides,
});

const both = new Set(['id_card_copy', 'household_register_copy']);

describe('registry workflow and checks', () => {
  test('[REG-01] a request climbs county, city and province; a return goes back to the enterer', () => {
    const path = ['create', 'submit', 'report', 'pass', 'approve'] as const;
    assert.equal(requestWorkflow.deriveStatus(path), 'approved');
    assert.equal(
      requestWorkflow.deriveStatus(['create', 'submit', 'report', 'return', 'edit', 'submit']),
      'pending_check',
    );
    assert.equal(requestWorkflow.next('pending_check', 'approve'), null, 'no skipping a level');
    assert.equal(requestWorkflow.next('approved', 'return'), null);
    assert.throws(() => requestWorkflow.deriveStatus(['create', 'pass']));
    assert.equal(
      recordWorkflow.deriveStatus(['enter', 'register', 'suspend', 'resume', 'cancel']),
      'cancelled',
    );
    assert.equal(kindAllowed('cancelled', 'resume'), false);
    assert.equal(kindAllowed('draft', 'change'), false);
    assert.equal(kindAllowed('suspended', 'resume'), true);
  });

  test('[IAM-04] on one request the enterer neither re-checks, reviews nor approves; the reviewer does not approve', () => {
    const log = [
      { action: 'create', actorId: 'a' },
      { action: 'submit', actorId: 'a' },
      { action: 'report', actorId: 'b' },
      { action: 'pass', actorId: 'c' },
    ];
    assert.equal(checkDuties(log, { action: 'report', actorId: 'a' }, registryDutyRoles).ok, false);
    assert.equal(
      checkDuties(log, { action: 'approve', actorId: 'c' }, registryDutyRoles).ok,
      false,
    );
    assert.equal(
      checkDuties(log, { action: 'approve', actorId: 'b' }, registryDutyRoles).ok,
      false,
    );
    assert.equal(checkDuties(log, { action: 'approve', actorId: 'd' }, registryDutyRoles).ok, true);
    assert.equal(checkDuties(log, { action: 'open', actorId: 'a' }, registryDutyRoles).ok, true);
  });

  test('[REG-02] [REG-05] materials are complete only with the key fields, the category’s benefit details and both required scans', () => {
    assert.deepEqual(recordFindings(record(), disabled, both), []);
    assert.equal(materialsComplete(recordFindings(record(), disabled, both)), true);
    const missing = recordFindings(record({ address: null }), disabled, new Set(['id_card_copy']));
    assert.deepEqual(
      missing.map((f) => f.field),
      ['address', 'attachments.household_register_copy'],
    );
    assert.equal(materialsComplete(missing), false);
    const benefit = recordFindings(
      record({ benefit: JSON.stringify({ disabilityGrade: '六级', deceasedName: '王某' }) }),
      disabled,
      both,
    );
    assert.deepEqual(
      benefit.map((f) => f.code),
      ['registry.field_missing', 'registry.benefit_inconsistent'],
    );
  });

  test('[REG-03] an invalid ID number blocks until verified; sex and birth date must match a valid number', () => {
    const invalid = record({ id_number: '130123195203011235', id_valid: 0 });
    const blocking = recordFindings(invalid, disabled, both).filter((f) => f.blocking);
    assert.deepEqual(
      blocking.map((f) => f.code),
      ['registry.id_unverified'],
    );
    const verified = recordFindings(
      { ...invalid, id_verified_at: '2026-01-01T00:00:00Z' },
      disabled,
      both,
    );
    assert.ok(verified.every((f) => !f.blocking));
    const mismatch = recordFindings(
      record({ sex: '女', birth_date: '1952-03-02' }),
      disabled,
      both,
    );
    assert.deepEqual(mismatch.map((f) => f.field).sort(), ['birthDate', 'sex']);
  });

  test('[REG-04] the county checks every person field, every benefit detail given or required, and the scans', () => {
    const fields = checkFieldsOf(record(), disabled).map((f) => f.field);
    for (const f of [
      'name',
      'idNumber',
      'address',
      'benefit.disabilityGrade',
      'benefit.disabilityNature',
      'attachments',
    ]) {
      assert.ok(fields.includes(f), f);
    }
    assert.ok(!fields.includes('benefit.deceasedName'));
  });

  test('[REG-11] the screening flags missing key information, invalid IDs and category/benefit contradictions', () => {
    assert.deepEqual(detectProblems(record(), disabled), []);
    const kinds = detectProblems(
      record({
        ethnicity: null,
        id_valid: 0,
        id_number: '130123195203011235',
        benefit: JSON.stringify({
          disabilityGrade: '六级',
          disabilityNature: '因公',
          relation: '配偶',
        }),
      }),
      disabled,
    ).map((p) => p.kind);
    assert.deepEqual(kinds, ['missing_key_info', 'invalid_id', 'category_benefit_mismatch']);
  });
});
