import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createTestPlatform,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';

for (const engine of testEngines()) {
  describe(`working-day calendar (${engine})`, () => {
    let t: TestPlatform;
    let manager: Caller;
    let reader: Caller;
    before(async () => {
      t = await createTestPlatform(engine);
      manager = await t.userWith(['platform_manager']);
      reader = await t.userWith([]);
    });
    after(() => t.close());

    test('the 2026 calendar lists the State Council holidays and adjusted working days', async () => {
      const res = await t.http('GET', '/api/v1/calendar?year=2026', { as: reader });
      assert.equal(res.status, 200);
      assert.equal(res.body.covered, true);
      const byDate = new Map(
        res.body.days.map((d: { date: string; kind: string }) => [d.date, d.kind]),
      );
      assert.equal(byDate.get('2026-02-17'), 'holiday'); // 春节
      assert.equal(byDate.get('2026-02-14'), 'adjusted_workday'); // Saturday worked
      assert.equal(byDate.get('2026-10-01'), 'holiday');
      assert.equal(byDate.has('2026-03-10'), false); // an ordinary Tuesday
    });

    test('deadlines skip weekends and holidays and count adjusted working days', async () => {
      // Friday 2026-09-18 + 3 working days: Sun 20 Sep is an adjusted working day.
      const res = await t.http('GET', '/api/v1/calendar/add-working-days?from=2026-09-18&days=3', {
        as: reader,
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.due, '2026-09-22');
      // Across the Spring Festival: Fri 2026-02-13 + 2 → Sat 14 (worked), then Tue 24.
      const festival = await t.http(
        'GET',
        '/api/v1/calendar/add-working-days?from=2026-02-13&days=2',
        { as: reader },
      );
      assert.equal(festival.body.due, '2026-02-24');
    });

    test('next year’s notice is entered as overrides and used at once; bad input changes nothing', async () => {
      const uncovered = await t.http(
        'GET',
        '/api/v1/calendar/add-working-days?from=2027-01-04&days=1',
        { as: reader },
      );
      assert.equal(uncovered.status, 400);
      assert.equal(uncovered.body.code, 'calendar.year_not_covered');

      const denied = await t.http('POST', '/api/v1/calendar/overrides', {
        as: reader,
        body: { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      });
      assert.equal(denied.status, 403);
      const badDate = await t.http('POST', '/api/v1/calendar/overrides', {
        as: manager,
        body: { date: '2027-02-30', kind: 'holiday', name: '不存在的日期' },
      });
      assert.equal(badDate.status, 400);
      assert.equal(badDate.body.errors[0].path, 'date');

      const added = await t.http('POST', '/api/v1/calendar/overrides', {
        as: manager,
        body: {
          date: '2027-01-04',
          kind: 'holiday',
          name: '元旦',
          notice: '国办发明电〔2026〕X号',
        },
      });
      assert.equal(added.status, 201);
      const twice = await t.http('POST', '/api/v1/calendar/overrides', {
        as: manager,
        body: { date: '2027-01-04', kind: 'workday', name: '调休' },
      });
      assert.equal(twice.status, 409);

      // Mon 2027-01-04 is now a holiday: one working day after Sun 3 Jan is Tue 5 Jan.
      const due = await t.http('GET', '/api/v1/calendar/add-working-days?from=2027-01-03&days=1', {
        as: reader,
      });
      assert.equal(due.status, 200);
      assert.equal(due.body.due, '2027-01-05');
      const year = await t.http('GET', '/api/v1/calendar?year=2027', { as: reader });
      assert.deepEqual(year.body.days, [
        { date: '2027-01-04', kind: 'holiday', name: '元旦', source: 'override' },
      ]);

      const removed = await t.http('DELETE', '/api/v1/calendar/overrides/2027-01-04', {
        as: manager,
      });
      assert.equal(removed.status, 204);
    });
  });
}
