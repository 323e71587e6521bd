import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  normaliseForScreening,
  screenFields,
  screenText,
  type ScreeningFinding,
} from './screening.ts';

type Kind = ScreeningFinding['kind'];

/** Text that must be refused: [text, kind of the first finding, its match]. */
const refused: [string, Kind, string][] = [
  // 原部队番号: numbered echelons, as in the ministry's own example "X师X团X连"
  ['X师X团X连', 'unit_designation', 'X师X团X连'],
  ['原部队：3师5团2连', 'unit_designation', '3师5团2连'],
  ['1978年入伍，在二十三军六十七师服役', 'unit_designation', '二十三军六十七师'],
  ['原属第38集团军', 'unit_designation', '第38集团军'],
  ['38集团军113师', 'unit_designation', '38集团军113师'],
  ['第38集团军第113师第337团', 'unit_designation', '第38集团军第113师第337团'],
  ['服役于61旅3营', 'unit_designation', '61旅3营'],
  ['三营五连战士', 'unit_designation', '三营五连'],
  ['一团二营三连二排五班', 'unit_designation', '一团二营三连二排五班'],
  ['入伍后分到X军X师', 'unit_designation', 'X军X师'],
  ['xx师xx团', 'unit_designation', 'XX师XX团'],
  ['××师××团', 'unit_designation', '××师××团'],
  ['所在部队为某师某团', 'unit_designation', '某师某团'],
  ['某部战士', 'unit_designation', '某部'],
  ['海军某部', 'unit_designation', '海军某部'],
  ['空军某部雷达兵', 'unit_designation', '空军某部'],
  ['某师', 'unit_designation', '某师'],
  ['某团炊事员', 'unit_designation', '某团'],
  ['某旅', 'unit_designation', '某旅'],
  ['127师', 'unit_designation', '127师'],
  ['第二十七军', 'unit_designation', '第二十七军'],
  ['原38军战士', 'unit_designation', '38军'],
  ['志愿军第十九兵团', 'unit_designation', '第十九兵团'],
  ['第五师', 'unit_designation', '第五师'],
  // full-width digits and spaces are normalised before matching
  ['３师 ５团', 'unit_designation', '3师5团'],
  ['ｘ师ｘ团ｘ连', 'unit_designation', 'X师X团X连'],
  ['3 师　5 团 2 连', 'unit_designation', '3师5团2连'],
  // 部队代号 and 番号 with numbers
  ['31628部队', 'unit_code', '31628部队'],
  ['中国人民解放军61001部队', 'unit_code', '中国人民解放军61001部队'],
  ['解放军61001部队', 'unit_code', '解放军61001部队'],
  ['95XXX部队', 'unit_code', '95XXX部队'],
  ['武警8710部队', 'unit_code', '武警8710部队'],
  ['八三四一部队', 'unit_code', '八三四一部队'],
  ['某某部队', 'unit_code', '某某部队'],
  ['海军９１２３４部队', 'unit_code', '海军91234部队'],
  ['原部队番号：61001', 'unit_code', '原部队番号:61001'],
  ['部队番号为三师五团', 'unit_code', '部队番号为三师五团'],
  ['部队代号8341', 'unit_code', '部队代号8341'],
  ['在21基地工作', 'unit_code', '21基地'],
  // 涉密参战参试记载 and classification markers
  ['参加核试验，涉密', 'classified_record', '参加核试验'],
  ['执行绝密任务', 'classified_record', '执行绝密任务'],
  ['执行XX绝密任务', 'classified_record', '绝密'],
  ['曾执行秘密任务', 'classified_record', '执行秘密任务'],
  ['代号XXX行动', 'classified_record', '代号XXX行动'],
  ['参加代号为“东风”的行动', 'classified_record', '代号为“东风”的行动'],
  ['1964年10月参加首次核试验', 'classified_record', '1964年10月参加首次核试验'],
  ['参加第三次核试验', 'classified_record', '参加第三次核试验'],
  ['在马兰基地工作', 'classified_record', '马兰基地'],
  ['涉密参战参试记录', 'classified_record', '涉密参战'],
  ['参战参试记载：1979年2月', 'classified_record', '参战参试记载'],
  ['机密级文件', 'classified_record', '机密级'],
  ['执行特殊任务三年', 'classified_record', '执行特殊任务'],
  ['涉密经历', 'classified_record', '涉密经历'],
];

/** Ordinary text that must pass: addresses, place names, category names, numbers. */
const accepted: string[] = [
  '石家庄市长安区三师路12号',
  '团结路8号',
  '江苏省连云港市海州区',
  '河北师范大学',
  '辽宁省营口市',
  '某某街道某某社区',
  '湖北省黄冈市团风县',
  '成都市新都区军屯镇',
  '云南省曲靖市师宗县',
  '大连市旅顺口区',
  '宁夏固原市原州区三营镇',
  '黑龙江省五连池市',
  '内蒙古二连浩特市',
  '河北省唐山市连城路',
  '参战参试退役人员',
  '参加核试验军队退役人员',
  '两参人员',
  '参战退役人员，已享受定期抚恤',
  '2019年3月5日',
  '13812345678',
  '130102199001011234',
  '某部门负责人',
  '某部长来信',
  '第一师范学院',
  '第三军医大学毕业',
  '新疆生产建设兵团第八师石河子市一四三团',
  '农八师121团',
  '兵团第一师阿拉尔市十团',
  '本记录不涉密',
  '无参战参试记录',
  '八一路',
  '建军街',
  '1号楼3单元502室',
  '三年级二班',
  '高三二班学生',
  '一级士官',
  '退役军人',
  '军人家属',
  '三连冠',
  '十佳教师',
  '旅游公司',
  '国营农场',
  '连续三年',
  '营业执照',
  '王师傅',
  '百团大战纪念馆',
  '张某某',
  '老红军',
  '伤残等级六级，因战致残',
  '因公牺牲军人遗属',
  '某部电影',
  '2005年12月退役',
  '入伍时间1998年，退役时间2002年',
  '二师兄',
  '电话：０３１１－８７６５４３２１',
  '一营长',
  '番号不详',
];

describe('screening of free text', () => {
  test('[REG-08] [SEC-02] the tables hold at least 40 refused and 40 accepted texts', () => {
    assert.ok(refused.length >= 40, `${refused.length} refused cases`);
    assert.ok(accepted.length >= 40, `${accepted.length} accepted cases`);
  });

  for (const [text, kind, match] of refused) {
    test(`[REG-08] [SEC-02] refuses ${JSON.stringify(text)} as ${kind}`, () => {
      const findings = screenText(text);
      assert.ok(findings.length > 0, 'nothing found');
      assert.equal(findings[0]!.kind, kind);
      assert.equal(findings[0]!.match, match);
      assert.ok(findings[0]!.reason.includes(`“${match}”`), 'the reason names what was found');
      assert.match(findings[0]!.reason, /严禁|涉密/u);
    });
  }

  for (const text of accepted) {
    test(`[REG-08] [SEC-02] accepts ${JSON.stringify(text)}`, () => {
      assert.deepEqual(screenText(text), []);
    });
  }

  test('[REG-08] a text with several problems reports each once, in reading order', () => {
    const findings = screenText('原31628部队3师5团，执行绝密任务，又在3师5团');
    assert.deepEqual(
      findings.map((f) => [f.kind, f.match]),
      [
        ['unit_code', '31628部队'],
        ['unit_designation', '3师5团'],
        ['classified_record', '执行绝密任务'],
      ],
    );
  });

  test('[REG-08] reasons say why the content is refused, per kind', () => {
    const [designation] = screenText('3师5团');
    assert.match(designation!.reason, /部队番号/u);
    const [code] = screenText('31628部队');
    assert.match(code!.reason, /代号/u);
    const [classified] = screenText('秘密任务');
    assert.match(classified!.reason, /涉密计算机/u);
  });

  test('[SEC-02] normalisation turns full-width digits and spaces into plain ones', () => {
    assert.equal(normaliseForScreening('３１６２８　部 队'), '31628部队');
    assert.equal(normaliseForScreening('ｘ师\u200bｘ团'), 'X师X团');
    assert.equal(normaliseForScreening('第一行\n第二行'), '第一行；第二行');
  });

  test('[REG-08] a line break ends a clause: designations do not join across lines', () => {
    assert.deepEqual(screenText('三营\n五连池市'), []);
  });

  test('[REG-08] screenFields returns only the fields with findings', () => {
    const result = screenFields({
      name: '张三',
      address: '江苏省连云港市',
      remark: '原海军某部战士',
      history: null,
      note: undefined,
      serviceRecord: '1964年参加核试验',
    });
    assert.deepEqual(
      result.map((r) => [r.field, r.findings.map((f) => f.match)]),
      [
        ['remark', ['海军某部']],
        ['serviceRecord', ['1964年参加核试验']],
      ],
    );
    assert.deepEqual(screenFields({ a: '', b: '   ', c: '团结路' }), []);
  });
});
