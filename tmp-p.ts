import { openRowReader } from './src/modules/data/readers.ts';
import { compileRowValidator } from './src/modules/data/row-validator.ts';
import { createPeopleGenerator } from './src/lib/demo/people.ts';
import { writeFileSync } from 'node:fs';
import { hash } from 'node:crypto';
const people = createPeopleGenerator(42, ['130102']);
let s = '公民身份号码,姓名,性别,出生日期,民族,联系电话,住址,行政区划代码,优抚类别,月抚恤金额,认定日期,备注\n';
for (let i = 0; i < 200000; i++) { const p = people.next(); s += `${p.citizenId},${p.name},男,${p.birthDate},${p.ethnicity},${p.phone},${p.address},${p.divisionCode},伤残军人,1000.00,2015-01-11,\n`; }
writeFileSync('/tmp/p.csv', s);
let t0 = performance.now(); let n = 0;
const r = await openRowReader('/tmp/p.csv', 'csv', { maxRows: 1e7, maxBytes: 1e9 });
const rows: string[][] = [];
for await (const row of r.rows) { n++; rows.push(row.values); }
console.log('parse rows/s', Math.round(n / ((performance.now() - t0) / 1000)));
const items = ['C','C','C','D','C','C','C','C','C','Y','D','C'].map((type, i) => ({ name: 'x'+i, identifier: 'f'+i, type, length: type==='C'?200:type==='Y'?10:null, scale: type==='Y'?2:null, isKey: i===0, required: i<2, sensitive:false, rule: i===0?{kind:'citizen_id'}: i===7?{kind:'division_code'}: i===5?{kind:'phone'}:null, description:'' })) as any;
const v = compileRowValidator(items, { isDivisionCode: () => true });
t0 = performance.now(); let ok = 0;
const datas: string[] = [];
for (const row of rows) { const res = v(row); if (res.ok) { ok++; datas.push(JSON.stringify(res.data)); } }
console.log('validate+stringify rows/s', Math.round(rows.length / ((performance.now() - t0) / 1000)), ok);
t0 = performance.now();
for (const d of datas) hash('sha256', d, 'base64url');
console.log('hash rows/s', Math.round(rows.length / ((performance.now() - t0) / 1000)));
