// The form fields of a registry record shared by the entry form and the change request
// dialog: person, category and the benefit details the category asks for. Server errors (the
// screening of REG-08 above all) are put under the field they name.
import {
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Typography,
  type FormInstance,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError, errorMessage, fieldNameOf } from '../../api/client';
import DivisionCascader from '../../components/DivisionCascader';
import { citizenIdFormatError } from '../../utils/format';
import {
  benefitLabels,
  type Benefit,
  type BenefitKey,
  type Category,
  type RecordDetail,
  type RecordFields,
} from './api';

/** Form values: dates as Dayjs, everything else as the API has it. */
export interface RecordFormValues {
  name: string;
  idNumber: string;
  sex?: string | null;
  birthDate?: Dayjs | null;
  ethnicity?: string | null;
  divisionCode?: string;
  address?: string | null;
  phone?: string | null;
  categoryCode?: string;
  benefit?: {
    disabilityGrade?: string | null;
    disabilityNature?: string | null;
    deceasedName?: string | null;
    relation?: string | null;
    serviceStart?: Dayjs | null;
    serviceEnd?: Dayjs | null;
    monthlyAmount?: number | null;
    recognisedOn?: Dayjs | null;
    note?: string | null;
  };
}

const grades = ['一级', '二级', '三级', '四级', '五级', '六级', '七级', '八级', '九级', '十级'];
const natures = ['因战', '因公', '因病'];
const relations = ['父母', '配偶', '子女', '兄弟姐妹', '其他'];

const day = (v: string | null | undefined) => (v ? dayjs(v) : null);
const text = (v: string | null | undefined) => {
  const t = v?.trim();
  return t ? t : null;
};

export function toFormValues(r: RecordDetail): RecordFormValues {
  const b = r.benefit;
  return {
    name: r.name,
    idNumber: r.idNumber,
    sex: r.sex,
    birthDate: day(r.birthDate),
    ethnicity: r.ethnicity,
    divisionCode: r.divisionCode,
    address: r.address,
    phone: r.phone,
    categoryCode: r.categoryCode,
    benefit: {
      disabilityGrade: b.disabilityGrade ?? null,
      disabilityNature: b.disabilityNature ?? null,
      deceasedName: b.deceasedName ?? null,
      relation: b.relation ?? null,
      serviceStart: b.serviceStart ? dayjs(`${b.serviceStart}-01`) : null,
      serviceEnd: b.serviceEnd ? dayjs(`${b.serviceEnd}-01`) : null,
      monthlyAmount: b.monthlyAmount ?? null,
      recognisedOn: day(b.recognisedOn),
      note: b.note ?? null,
    },
  };
}

/** The benefit details as the API takes them; keys the category forbids are left out. */
export function benefitOf(v: RecordFormValues['benefit'], category?: Category): Benefit {
  const b = v ?? {};
  const out: Benefit = {
    disabilityGrade: b.disabilityGrade ?? null,
    disabilityNature: b.disabilityNature ?? null,
    deceasedName: text(b.deceasedName),
    relation: b.relation ?? null,
    serviceStart: b.serviceStart ? b.serviceStart.format('YYYY-MM') : null,
    serviceEnd: b.serviceEnd ? b.serviceEnd.format('YYYY-MM') : null,
    monthlyAmount: b.monthlyAmount ?? null,
    recognisedOn: b.recognisedOn ? b.recognisedOn.format('YYYY-MM-DD') : null,
    note: text(b.note),
  };
  for (const k of category?.forbiddenBenefit ?? []) delete out[k];
  return out;
}

export function toRecordFields(v: RecordFormValues, category?: Category): RecordFields {
  return {
    name: v.name.trim(),
    idNumber: v.idNumber.trim().toUpperCase(),
    sex: v.sex ?? null,
    birthDate: v.birthDate ? v.birthDate.format('YYYY-MM-DD') : null,
    ethnicity: text(v.ethnicity),
    divisionCode: v.divisionCode ?? '',
    address: text(v.address),
    phone: text(v.phone),
    categoryCode: v.categoryCode ?? '',
    benefit: benefitOf(v.benefit, category),
  };
}

/** Sex and birth date read from a well-formed 18-digit ID number. */
export function personFromId(id: string): { sex: string; birthDate: Dayjs } | null {
  const s = id.trim().toUpperCase();
  if (citizenIdFormatError(s)) return null;
  const birth = dayjs(`${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`);
  if (!birth.isValid()) return null;
  return { sex: Number(s[16]) % 2 === 1 ? '男' : '女', birthDate: birth };
}

/**
 * Puts the server's field errors under the matching fields (`benefit.note` → the note box);
 * returns the messages that matched no field, or the error's own message.
 */
export function applyServerErrors(
  form: FormInstance,
  e: unknown,
  prefix: (string | number)[] = [],
): string | null {
  if (!(e instanceof ApiError) || e.errors.length === 0) return errorMessage(e);
  const known = new Set([
    'name',
    'idNumber',
    'sex',
    'birthDate',
    'ethnicity',
    'divisionCode',
    'address',
    'phone',
    'categoryCode',
    'benefit',
    'reason',
  ]);
  const unmatched: string[] = [];
  const byName = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const fe of e.errors) {
    let name = fieldNameOf(fe.path);
    // `changes.address` of a change request names the same field as `address`.
    if (name[0] === 'changes' || name[0] === 'proposal') name = name.slice(1);
    if (name[0] === 'changes') name = name.slice(1);
    if (typeof name[0] !== 'string' || !known.has(name[0])) {
      unmatched.push(fe.message);
      continue;
    }
    const full = [...prefix, ...name];
    const key = full.join('.');
    const entry = byName.get(key) ?? { name: full, errors: [] };
    entry.errors.push(fe.message);
    byName.set(key, entry);
  }
  if (byName.size > 0) form.setFields([...byName.values()]);
  if (byName.size === 0) return e.userMessage;
  return unmatched.length > 0 ? unmatched.join('；') : null;
}

/** The input of one benefit detail (an element, so that Form.Item controls it directly). */
function benefitInput(k: BenefitKey) {
  switch (k) {
    case 'disabilityGrade':
      return (
        <Select
          allowClear
          options={grades.map((g) => ({ value: g, label: g }))}
          data-testid="registry-field-disabilityGrade"
        />
      );
    case 'disabilityNature':
      return (
        <Select
          allowClear
          options={natures.map((g) => ({ value: g, label: g }))}
          data-testid="registry-field-disabilityNature"
        />
      );
    case 'relation':
      return (
        <Select
          allowClear
          options={relations.map((g) => ({ value: g, label: g }))}
          data-testid="registry-field-relation"
        />
      );
    case 'deceasedName':
      return <Input maxLength={50} data-testid="registry-field-deceasedName" />;
    case 'serviceStart':
    case 'serviceEnd':
      return (
        <DatePicker picker="month" style={{ width: '100%' }} data-testid={`registry-field-${k}`} />
      );
    case 'monthlyAmount':
      return (
        <InputNumber
          min={0}
          max={1_000_000}
          precision={2}
          style={{ width: '100%' }}
          data-testid="registry-field-monthlyAmount"
        />
      );
    case 'recognisedOn':
      return <DatePicker style={{ width: '100%' }} data-testid="registry-field-recognisedOn" />;
  }
}

export function PersonFields({
  form,
  divisionEditable = true,
}: {
  form: FormInstance;
  divisionEditable?: boolean;
}) {
  const idNumber = (Form.useWatch('idNumber', form) as string | undefined) ?? '';
  const idWarning =
    idNumber.trim().length >= 15 ? citizenIdFormatError(idNumber.trim().toUpperCase()) : null;
  return (
    <Row gutter={16}>
      <Col xs={24} md={8}>
        <Form.Item
          name="name"
          label="姓名"
          rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}
        >
          <Input maxLength={50} data-testid="registry-field-name" />
        </Form.Item>
      </Col>
      <Col xs={24} md={10}>
        <Form.Item
          name="idNumber"
          label="公民身份号码"
          rules={[{ required: true, whitespace: true, message: '请填写公民身份号码' }]}
          validateStatus={idWarning ? 'warning' : undefined}
          help={
            idWarning
              ? `${idWarning}。号码不合法的记录须核验身份证原件并上传身份证复印件后才能上报。`
              : undefined
          }
        >
          <Input
            maxLength={18}
            className="mono"
            data-testid="registry-field-idNumber"
            onBlur={() => {
              const p = personFromId(String(form.getFieldValue('idNumber') ?? ''));
              if (p && !form.getFieldValue('sex')) form.setFieldValue('sex', p.sex);
              if (p && !form.getFieldValue('birthDate'))
                form.setFieldValue('birthDate', p.birthDate);
            }}
          />
        </Form.Item>
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name="sex" label="性别">
          <Select
            allowClear
            options={['男', '女'].map((s) => ({ value: s, label: s }))}
            data-testid="registry-field-sex"
          />
        </Form.Item>
      </Col>
      <Col xs={12} md={8}>
        <Form.Item name="birthDate" label="出生日期">
          <DatePicker style={{ width: '100%' }} data-testid="registry-field-birthDate" />
        </Form.Item>
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name="ethnicity" label="民族">
          <Input maxLength={20} placeholder="如 汉族" data-testid="registry-field-ethnicity" />
        </Form.Item>
      </Col>
      <Col xs={12} md={10}>
        <Form.Item
          name="phone"
          label="联系电话"
          rules={[
            {
              pattern: /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/,
              message: '联系电话应为手机号或带区号的固定电话',
            },
          ]}
        >
          <Input maxLength={20} data-testid="registry-field-phone" />
        </Form.Item>
      </Col>
      {divisionEditable && (
        <Col xs={24} md={10}>
          <Form.Item
            name="divisionCode"
            label="户籍所在地（行政区划）"
            rules={[{ required: true, message: '请选择行政区划' }]}
          >
            <DivisionCascader data-testid="registry-field-divisionCode" />
          </Form.Item>
        </Col>
      )}
      <Col xs={24} md={divisionEditable ? 14 : 24}>
        <Form.Item name="address" label="详细住址">
          <Input maxLength={200} data-testid="registry-field-address" />
        </Form.Item>
      </Col>
    </Row>
  );
}

export function BenefitFields({
  category,
  prefix = ['benefit'],
}: {
  category: Category | undefined;
  prefix?: string[];
}) {
  if (!category) {
    return <Typography.Text type="secondary">选择优抚类别后填写抚恤优待信息。</Typography.Text>;
  }
  const forbidden = new Set(category.forbiddenBenefit);
  const required = new Set(category.requiredBenefit);
  const keys = (Object.keys(benefitLabels) as (BenefitKey | 'note')[]).filter(
    (k): k is BenefitKey => k !== 'note' && !forbidden.has(k),
  );
  return (
    <Row gutter={16}>
      {keys.map((k) => (
        <Col xs={24} md={8} key={k}>
          <Form.Item
            name={[...prefix, k]}
            label={benefitLabels[k]}
            rules={
              required.has(k) ? [{ required: true, message: `请填写${benefitLabels[k]}` }] : []
            }
          >
            {benefitInput(k)}
          </Form.Item>
        </Col>
      ))}
      <Col span={24}>
        <Form.Item
          name={[...prefix, 'note']}
          label="备注"
          extra="不得填写原所在部队番号、代号和参战参试记载等涉密内容；系统会检查并拒收。"
        >
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="registry-field-note" />
        </Form.Item>
      </Col>
    </Row>
  );
}
