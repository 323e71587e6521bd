import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkingCalendar } from './working-calendar.ts';
import { epochDayOf, isoOfEpochDay, toEpochDay, weekdayOfEpochDay } from './dates.ts';

/**
 * The State Council notices (国务院办公厅关于 2024/2025/2026 年部分节假日安排的通知), typed
 * from their text independently of the built-in data: [first, last] days off, and the
 * weekend days worked.
 */
const NOTICES: Record<number, { off: [string, string][]; worked: string[] }> = {
  2024: {
    off: [
      ['01-01', '01-01'],
      ['02-10', '02-17'],
      ['04-04', '04-06'],
      ['05-01', '05-05'],
      ['06-10', '06-10'],
      ['09-15', '09-17'],
      ['10-01', '10-07'],
    ],
    worked: ['02-04', '02-18', '04-07', '04-28', '05-11', '09-14', '09-29', '10-12'],
  },
  2025: {
    off: [
      ['01-01', '01-01'],
      ['01-28', '02-04'],
      ['04-04', '04-06'],
      ['05-01', '05-05'],
      ['05-31', '06-02'],
      ['10-01', '10-08'],
    ],
    worked: ['01-26', '02-08', '04-27', '09-28', '10-11'],
  },
  2026: {
    off: [
      ['01-01', '01-03'],
      ['02-15', '02-23'],
      ['04-04', '04-06'],
      ['05-01', '05-05'],
      ['06-19', '06-21'],
      ['09-25', '09-27'],
      ['10-01', '10-07'],
    ],
    worked: ['01-04', '02-14', '02-28', '05-09', '09-20', '10-10'],
  },
};

const cal = createWorkingCalendar();

describe('working-day calendar', () => {
  test('follows the 2024, 2025 and 2026 notices on every day of those years', () => {
    for (const [yearText, notice] of Object.entries(NOTICES)) {
      const year = Number(yearText);
      const off = new Set<number>();
      for (const [from, to] of notice.off) {
        for (let d = toEpochDay(`${year}-${from}`); d <= toEpochDay(`${year}-${to}`); d++)
          off.add(d);
      }
      const worked = new Set(notice.worked.map((md) => toEpochDay(`${year}-${md}`)));
      for (let d = epochDayOf(year, 1, 1); d < epochDayOf(year + 1, 1, 1); d++) {
        const wd = weekdayOfEpochDay(d);
        const weekend = wd === 0 || wd === 6;
        const date = isoOfEpochDay(d);
        const info = cal.dayInfo(date);
        if (worked.has(d)) {
          assert.ok(weekend, `${date}: adjusted days in the notices are weekend days`);
          assert.equal(info.kind, 'adjusted_workday', date);
        } else if (off.has(d)) assert.equal(info.kind, 'holiday', date);
        else assert.equal(info.kind, weekend ? 'weekend' : 'workday', date);
        assert.equal(cal.isWorkingDay(date), worked.has(d) || (!off.has(d) && !weekend), date);
      }
    }
  });

  test('Spring Festival 2026: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb worked', () => {
    for (let day = 15; day <= 23; day++) {
      const info = cal.dayInfo(`2026-02-${day}`);
      assert.deepEqual([info.working, info.kind, info.name], [false, 'holiday', '春节']);
    }
    assert.deepEqual(cal.dayInfo('2026-02-14'), {
      date: '2026-02-14',
      working: true,
      kind: 'adjusted_workday',
      name: '春节',
    });
    assert.equal(cal.dayInfo('2026-02-28').kind, 'adjusted_workday');
    assert.equal(cal.dayInfo('2026-02-13').kind, 'workday');
    assert.equal(cal.dayInfo('2026-02-24').kind, 'workday');
    assert.equal(cal.dayInfo('2026-02-07').kind, 'weekend');
    // Filed on Friday 13 Feb with 2 working days: Sat 14 Feb counts, then Tue 24 Feb.
    assert.equal(cal.addWorkingDays('2026-02-13', 2), '2026-02-24');
    assert.equal(cal.addWorkingDays('2026-02-15', 1), '2026-02-24', 'filed during the holiday');
    assert.equal(cal.workingDaysBetween('2026-02-13', '2026-02-28'), 6);
  });

  test('National Day 2025: 1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked', () => {
    for (let day = 1; day <= 8; day++) assert.ok(!cal.isWorkingDay(`2025-10-0${day}`));
    assert.ok(cal.isWorkingDay('2025-09-28'));
    assert.ok(cal.isWorkingDay('2025-10-11'));
    assert.ok(!cal.isWorkingDay('2025-10-12'));
    assert.equal(cal.dayInfo('2025-10-06').name, '中秋节');
    assert.equal(cal.dayInfo('2025-10-01').name, '国庆节');
    // Filed Friday 26 Sep, 3 working days: Sun 28 Sep, Mon 29, Tue 30.
    assert.equal(cal.addWorkingDays('2025-09-26', 3), '2025-09-30');
    assert.equal(cal.addWorkingDays('2025-09-26', 4), '2025-10-09');
    assert.equal(cal.addWorkingDays('2025-09-30', 2), '2025-10-10');
    assert.equal(cal.nextWorkingDay('2025-09-30'), '2025-10-09');
  });

  test('addWorkingDays counts from the day after the start, incl. adjusted Sundays', () => {
    // Friday 18 Sep 2026 + 3: Sun 20 Sep is an adjusted working day (National Day 调休).
    assert.equal(cal.addWorkingDays('2026-09-18', 3), '2026-09-22');
    assert.equal(cal.addWorkingDays('2026-09-18', 0), '2026-09-18');
    assert.equal(cal.addWorkingDays('2026-09-30', 3), '2026-10-10', 'Sat 10 Oct is worked');
    assert.equal(cal.addWorkingDays('2026-09-22', -3), '2026-09-18');
    assert.equal(cal.addWorkingDays('2026-10-08', -1), '2026-09-30');
    assert.throws(() => cal.addWorkingDays('2026-09-18', 1.5), RangeError);
  });

  test('workingDaysBetween counts (a, b] and inverts addWorkingDays', () => {
    assert.equal(cal.workingDaysBetween('2026-09-18', '2026-09-22'), 3);
    assert.equal(cal.workingDaysBetween('2026-09-18', '2026-09-18'), 0);
    assert.equal(cal.workingDaysBetween('2026-09-22', '2026-09-18'), -3);
    // 2026: 261 weekdays − 19 weekday holidays + 6 adjusted weekend days = 248.
    assert.equal(cal.workingDaysBetween('2025-12-31', '2026-12-31'), 248);
    for (let d = toEpochDay('2025-09-01'); d < toEpochDay('2026-03-01'); d += 3) {
      const start = isoOfEpochDay(d);
      for (const n of [1, 2, 3, 5, 8, 20]) {
        const due = cal.addWorkingDays(start, n);
        assert.equal(cal.workingDaysBetween(start, due), n, `${start} + ${n}`);
        assert.ok(cal.isWorkingDay(due));
      }
    }
  });

  test('takes a Date as its Shanghai calendar date', () => {
    // 16:00 UTC on Fri 13 Feb is 00:00 on Sat 14 Feb in Beijing, an adjusted working day.
    const instant = new Date('2026-02-13T16:00:00Z');
    assert.equal(cal.dayInfo(instant).date, '2026-02-14');
    assert.ok(cal.isWorkingDay(instant));
    assert.equal(cal.dayInfo(new Date('2026-02-13T15:59:59Z')).date, '2026-02-13');
    assert.equal(cal.addWorkingDays(instant, 1), '2026-02-24');
    assert.throws(() => cal.isWorkingDay(new Date('nope')), RangeError);
    assert.throws(() => cal.isWorkingDay('2026-02-30'), RangeError);
    assert.throws(() => cal.isWorkingDay('2026/02/14'), RangeError);
  });

  test('overrides from the database win over built-in data and extend coverage', () => {
    const custom = createWorkingCalendar([
      { date: '2026-02-24', kind: 'holiday', name: '春节（延长）' },
      { date: '2026-02-22', kind: 'workday', name: '调休' },
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-01-02', kind: 'workday', name: '' },
    ]);
    assert.deepEqual(custom.dayInfo('2026-02-24'), {
      date: '2026-02-24',
      working: false,
      kind: 'holiday',
      name: '春节（延长）',
    });
    assert.equal(custom.dayInfo('2026-02-22').kind, 'adjusted_workday');
    assert.equal(custom.dayInfo('2027-01-02').name, '调休上班');
    assert.ok(!custom.isWorkingDay('2027-01-01'));
    assert.equal(custom.addWorkingDays('2026-02-20', 1), '2026-02-22');
    assert.ok(custom.coverage().includes(2027));
    assert.ok(!cal.coverage().includes(2027), 'the default calendar is unchanged');
    assert.deepEqual(custom.missingYears('2026-12-01', '2028-01-10'), [2028]);
    assert.throws(
      () => createWorkingCalendar([{ date: '2027-13-01', kind: 'holiday', name: 'x' }]),
      RangeError,
    );
    assert.throws(
      () => createWorkingCalendar([{ date: '2027-01-01', kind: 'rest' as 'holiday', name: 'x' }]),
      RangeError,
    );
  });

  test('years without data count weekends only and are reported as missing', () => {
    for (const year of [2024, 2025, 2026]) assert.ok(cal.coverage().includes(year));
    assert.deepEqual(cal.missingYears('2026-06-01', '2028-03-01'), [2027, 2028]);
    assert.deepEqual(cal.missingYears('2024-01-01', '2026-12-31'), []);
    // 1 Oct 2030 is a Tuesday: without a notice it is (wrongly but predictably) a working day.
    assert.deepEqual(cal.dayInfo('2030-10-01'), {
      date: '2030-10-01',
      working: true,
      kind: 'workday',
    });
    assert.equal(cal.dayInfo('2030-10-05').kind, 'weekend');
  });
});
