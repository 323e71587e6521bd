/**
 * Screening of free text for content that must never enter the registry (优抚对象信息):
 * the recipient's original military unit designation (原部队番号, e.g. "X师X团X连"), unit
 * code numbers (部队代号, e.g. "31628部队") and classified participation records (涉密参战参试
 * 记载). The ministry rules (民办发〔2017〕28号 五(一)3) keep such data on a standalone
 * classified computer; this platform handles non-classified data only (SEC-02).
 *
 * The screen is deliberately specific: a recipient category name such as 参战参试退役人员 or
 * 参加核试验军队退役人员 is public and recorded as a category, and ordinary place names that
 * contain 师/团/连/营/旅/军 (连云港市, 营口市, 团风县, 军屯乡, 师宗县, 旅顺口区, 三营镇, 五连池市,
 * 二连浩特市) must pass. Addresses in the Xinjiang Production and Construction Corps (新疆生产建设
 * 兵团), whose divisions and regiments are administrative areas ("兵团第八师一二一团"), pass too.
 */

export interface ScreeningFinding {
  kind: 'unit_designation' | 'unit_code' | 'classified_record';
  /** The offending text as found after normalisation. */
  match: string;
  /** Chinese: what was found and why it is refused. */
  reason: string;
}

/** Digits, Chinese numerals and the placeholders people use for a hidden number (X师, 某团). */
const NUMERAL = '0-9〇零一二三四五六七八九十百千X*×某';

/** Echelons of a military unit designation (部队编制), highest first. */
const ECHELONS = ['兵团', '集团军', '军', '师', '旅', '团', '营', '连', '排', '班'] as const;
type Echelon = (typeof ECHELONS)[number];

/**
 * One numbered echelon such as "3师", "第二十三军", "某团". A Latin X only counts as a
 * placeholder when it does not end a Latin word.
 */
const echelonPattern = new RegExp(
  `(?<![A-Za-z])(第)?([${NUMERAL}]+)(集团军|兵团|军|师|旅|团|营|连|排|班)`,
  'gu',
);

/**
 * Characters that, right after an echelon character, make an ordinary word instead of a unit:
 * 师范, 师傅, 团结, 团体, 连云港, 连锁, 营业, 营口, 旅游, 旅顺, 军人, 军属, 军医, 排水, 班级 …
 */
const wordFollowers: Record<Echelon, string> = {
  兵团: '',
  集团军: '',
  军: '人属嫂医事训民校垦装品旗歌功衔龄烈转地队委休',
  师: '范傅生兄姐弟妹资徒爷奶父母大专院',
  旅: '游行馆社店客途程居顺',
  团: '结体队员委购聚圆拜伙风',
  营: '业销养运造救利收商房口',
  连: '云锁续接带线载任同忙夜环片通击池浩串',
  排: '水名查放列行序练球除污洪班',
  班: '级车机次组子主会底表费干',
};

/** Characters that make a numbered echelon the name of a place or road ("三师路", "三营镇"). */
const placeSuffixes =
  '路街道巷弄胡同村镇乡庄屯寨堡里区县市州盟旗号楼栋幢室园苑厦场站口港湾桥山河湖沟洼岭坡渠子店铺坊集';

/** Words after 某部 that make it ordinary Chinese: 某部门, 某部分, 某部电影, 某部长 … */
const mouBuFollowers = '门分位委署件电剧作小书车手机长品';

interface EchelonToken {
  start: number;
  end: number;
  text: string;
  ordinal: boolean;
  numeral: string;
  echelon: Echelon;
}

function echelonTokens(text: string): EchelonToken[] {
  const tokens: EchelonToken[] = [];
  for (const m of text.matchAll(echelonPattern)) {
    tokens.push({
      start: m.index,
      end: m.index + m[0].length,
      text: m[0],
      ordinal: m[1] === '第',
      numeral: m[2]!,
      echelon: m[3] as Echelon,
    });
  }
  return tokens;
}

const rank = (e: Echelon) => ECHELONS.indexOf(e);
const isPlaceholder = (numeral: string) => /^[X*×某]+$/u.test(numeral);
const followerOf = (text: string, token: EchelonToken) => text.charAt(token.end);

function isWordNotUnit(text: string, token: EchelonToken): boolean {
  const next = followerOf(text, token);
  return next !== '' && wordFollowers[token.echelon].includes(next);
}

/**
 * Divisions and regiments of the Production and Construction Corps are administrative areas:
 * "兵团第八师", "农八师", "新疆生产建设兵团第一师阿拉尔市十团".
 */
function isCorpsAddress(text: string, start: number): boolean {
  if (text.charAt(start - 1) === '农') return true;
  if (text.slice(start - 2, start) === '兵团') return true;
  return text.slice(Math.max(0, start - 16), start).includes('建设兵团');
}

/** A single numbered echelon that on its own names a unit (the rest need a second echelon). */
function isStandaloneDesignation(text: string, token: EchelonToken): boolean {
  if (isWordNotUnit(text, token)) return false;
  const next = followerOf(text, token);
  if (next !== '' && placeSuffixes.includes(next)) return false;
  const arabic = /^[0-9]+$/.test(token.numeral);
  switch (token.echelon) {
    case '集团军':
      return true;
    case '兵团':
      return token.ordinal || arabic;
    case '军':
    case '师':
    case '旅':
      return token.ordinal || arabic || isPlaceholder(token.numeral);
    case '团':
    case '营':
    case '连':
      // "三营镇", "五连池", "一二一团" are places; only a hidden number (某团, X连) is a unit.
      return isPlaceholder(token.numeral);
    case '排':
    case '班':
      return false;
  }
}

function unitDesignations(text: string): string[] {
  const tokens = echelonTokens(text);
  const found: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    // A chain of adjacent echelons from higher to lower: "3师5团2连", "第38集团军第113师".
    const chain = [tokens[i]!];
    while (
      i + chain.length < tokens.length &&
      tokens[i + chain.length]!.start === chain[chain.length - 1]!.end &&
      rank(tokens[i + chain.length]!.echelon) > rank(chain[chain.length - 1]!.echelon)
    ) {
      chain.push(tokens[i + chain.length]!);
    }
    i += chain.length;
    while (chain.length > 1 && isWordNotUnit(text, chain[chain.length - 1]!)) chain.pop();
    if (isCorpsAddress(text, chain[0]!.start)) continue;
    if (chain.length > 1 || isStandaloneDesignation(text, chain[0]!)) {
      found.push(text.slice(chain[0]!.start, chain[chain.length - 1]!.end));
    }
  }
  // 某部 / 海军某部: the usual way to write a hidden unit.
  for (const m of text.matchAll(/(?:(?:海|陆|空|火箭)军|武警|解放军)?某+部(?!队)/gu)) {
    const next = text.charAt(m.index + m[0].length);
    if (next !== '' && mouBuFollowers.includes(next)) continue;
    found.push(m[0]);
  }
  return found;
}

function unitCodes(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    // 31628部队, 解放军61001部队, 武警8710部队, 95XXX部队, XXXXX部队, 八三四一部队, 某某部队
    /(?:中国人民解放军|解放军|武警|(?:海|陆|空|火箭)军)?(?:(?<![0-9])[0-9]{4,6}|(?<![0-9A-Za-z])[0-9]{0,4}[X*×]{2,5}|[〇零一二三四五六七八九]{4,6}|某+)部队/gu,
    // 21基地, 第二十基地 (test bases are numbered units)
    /(?<![0-9])[0-9]{1,3}基地|第[〇零一二三四五六七八九十百]+基地/gu,
    // 部队代号, 代号8341, 代号为"XX"部队
    /(?:部队)?代号[为是：:]?["“「『]?[0-9〇一二三四五六七八九X*×]{2,}|部队代号/gu,
  ];
  for (const p of patterns) for (const m of text.matchAll(p)) found.push(m[0]);
  // 番号 names a unit unless the text says there is none ("番号不详", "无番号").
  for (const m of text.matchAll(
    /(?:原?部队)?番号(?:[为是：:]?["“「『]?([^，。；;,.\s"”」』]{1,12}))?/gu,
  )) {
    const before = text.slice(Math.max(0, m.index - 4), m.index);
    if (/(无|不|未|禁止|严禁|不得|不含|删除)$/u.test(before)) continue;
    if (m[1] && /^(不|无|未|空|缺|已删|删除)/u.test(m[1])) continue;
    found.push(m[0]);
  }
  return found;
}

/** Recipient category names (优抚对象类别) are public and must not trip the screen. */
const categoryNames =
  /参加核试验(?:的)?(?:军队)?(?:退役)?(?:人员|军人)|参战参试(?:退役)?人员|参战(?:退役)?人员|参试(?:退役)?人员|两参人员/gu;

const negated = /(不|非|无|没有|未|解|脱)$/u;

function classifiedRecords(original: string): string[] {
  const text = original.replace(categoryNames, (s) => '＃'.repeat(s.length));
  const found: string[] = [];
  const push = (m: RegExpMatchArray, guard = true) => {
    const before = text.slice(Math.max(0, m.index! - 2), m.index);
    if (guard && negated.test(before)) return;
    found.push(m[0]);
  };
  for (const m of text.matchAll(/(?<!商业)(?:绝密|机密)(?:级)?/gu)) push(m);
  for (const m of text.matchAll(/秘密(?:任务|行动|工程|试验|基地|部队|级|文件|资料)/gu)) push(m);
  for (const m of text.matchAll(
    /涉密(?:的)?(?:任务|行动|工程|试验|经历|记录|记载|参战|参试|信息|内容|材料|资料|文件|单位|部队|项目)/gu,
  ))
    push(m);
  for (const m of text.matchAll(
    /(?:执行|参加|参与|担负|完成)(?:过|了)?(?:特殊|特别|保密|秘密|绝密|机密)(?:军事)?任务/gu,
  ))
    push(m, false);
  for (const m of text.matchAll(/(?:参战|参试)(?:参试)?(?:记录|记载)/gu)) {
    const before = text.slice(Math.max(0, m.index - 3), m.index);
    if (/(无|不|未|没有|严禁|不得|禁止)/u.test(before)) continue;
    found.push(m[0]);
  }
  for (const m of text.matchAll(
    /代号[为是：:]?["“「『]?[^，。；;,\s]{1,10}?["”」』]?(?:行动|任务|工程|试验|演习|战役)/gu,
  ))
    found.push(m[0]);
  // A bare 涉密 marker next to an account of taking part in a test or battle marks that
  // account as classified: "参加核试验，涉密".
  if (/(?<!不|非|无|未|解|脱)涉密/u.test(text)) {
    for (const m of text.matchAll(
      /(?:参加|参与|执行)(?:了|过)?[^，。；;,]{0,12}?(?:试验|作战|战斗|战役|任务)/gu,
    ))
      found.push(m[0]);
  }
  for (const m of text.matchAll(/马兰基地|核试验(?:基地|场|场区|任务)/gu)) found.push(m[0]);
  // A dated or numbered account of taking part in a nuclear test is a 参试记载, e.g.
  // "1964年10月参加首次核试验", "参加第三次核试验"; the bare category name is not.
  for (const clause of text.split(/[，。；;,.!！?？\n]/u)) {
    const test =
      /(?:参加|参与|执行|亲历|参)(?:了|过)?[^，。；]{0,12}?(?:核试验|核爆|原子弹试验|氢弹试验|导弹试验|核武器试验)/u.exec(
        clause,
      );
    if (!test) continue;
    const detail =
      /[0-9]{2,4}年|[〇零一二三四五六七八九]{4}年|第[0-9一二三四五六七八九十百]+次|首次|[0-9一二三四五六七八九十]+次|基地|罗布泊|场区/u;
    if (detail.test(clause)) found.push(clause.replace(/^＃+|＃+$/gu, ''));
  }
  return found;
}

/**
 * Full-width digits, letters and spaces become ASCII (NFKC), line breaks become clause breaks,
 * other spaces and zero-width marks go, and look-alike placeholders are unified, so
 * "３ 师 ５ 团" and "ｘ师ｘ团" are caught.
 */
export function normaliseForScreening(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\r\n\u2028\u2029]+/gu, '；')
    .replace(/[\s\u200b-\u200d\u2060\ufeff]+/gu, '')
    .replace(/[○◯Ｏ]/gu, '〇')
    .replace(/x/gu, 'X');
}

const reasons: Record<ScreeningFinding['kind'], (match: string) => string> = {
  unit_designation: (m) =>
    `“${m}”是部队番号（军、师、旅、团、营、连等编制名称）。按照优抚信息数据管理规范，严禁录入优抚对象原所在部队番号，请删除后再保存。`,
  unit_code: (m) =>
    `“${m}”是部队代号或番号。按照优抚信息数据管理规范，严禁录入原所在部队番号、代号，请删除后再保存。`,
  classified_record: (m) =>
    `“${m}”属于涉密内容（参战参试记载或密级信息）。本系统只处理非涉密信息，此类内容只能在涉密计算机上单机管理，请删除后再保存。`,
};

/**
 * Everything in `text` that must not be entered, in the order found; empty when the text is
 * clean.
 * @example screenText('原部队3师5团2连')[0] // { kind: 'unit_designation', match: '3师5团2连', … }
 */
export function screenText(text: string): ScreeningFinding[] {
  const normalised = normaliseForScreening(text);
  if (normalised === '') return [];
  const candidates: { kind: ScreeningFinding['kind']; match: string }[] = [
    ...unitCodes(normalised).map((match) => ({ kind: 'unit_code' as const, match })),
    ...classifiedRecords(normalised).map((match) => ({
      kind: 'classified_record' as const,
      match,
    })),
    ...unitDesignations(normalised).map((match) => ({ kind: 'unit_designation' as const, match })),
  ];
  const findings: ScreeningFinding[] = [];
  for (const [i, c] of candidates.entries()) {
    // A match inside a longer one ("绝密" in "执行绝密任务") adds nothing; of equal ones keep the first.
    const covered = candidates.some((o, j) =>
      o.match !== c.match ? o.match.includes(c.match) : j < i,
    );
    if (!covered) findings.push({ kind: c.kind, match: c.match, reason: reasons[c.kind](c.match) });
  }
  // Report in reading order.
  findings.sort((a, b) => normalised.indexOf(a.match) - normalised.indexOf(b.match));
  return findings;
}

/**
 * Screens each named field; only fields with findings are returned, so an empty array means
 * the record may be saved.
 * @example screenFields({ remark: '某部战士' }) // [{ field: 'remark', findings: [ … ] }]
 */
export function screenFields(
  fields: Record<string, string | null | undefined>,
): { field: string; findings: ScreeningFinding[] }[] {
  const out: { field: string; findings: ScreeningFinding[] }[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    const findings = screenText(value);
    if (findings.length > 0) out.push({ field, findings });
  }
  return out;
}
