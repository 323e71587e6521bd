import { CalculatorOutlined, LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { applyFormErrors, errorMessage } from '../api/client';
import { calendarApi } from '../api/endpoints';
import type { CalendarDay, CalendarYear } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import PageHeader from '../components/PageHeader';
import { formatLongDate, shanghaiDate, weekdayOf } from '../utils/format';

const WEEK_HEAD = ['一', '二', '三', '四', '五', '六', '日'];
const WEEKDAY_NAMES = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function MonthCard({
  year,
  month,
  byDate,
  today,
}: {
  year: number;
  month: number;
  byDate: Map<string, CalendarDay>;
  today: string;
}) {
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const first = `${year}-${pad(month)}-01`;
  const lead = (weekdayOf(first) + 6) % 7; // Monday first
  const cells: React.JSX.Element[] = [];
  for (let i = 0; i < lead; i++) cells.push(<div key={`b${i}`} />);
  for (let d = 1; d <= daysInMonth; d++) {
    const date = `${year}-${pad(month)}-${pad(d)}`;
    const wd = weekdayOf(date);
    const special = byDate.get(date);
    const cls = ['day-cell'];
    if (special?.kind === 'holiday') cls.push('holiday');
    else if (special?.kind === 'adjusted_workday') cls.push('workday');
    else if (wd === 0 || wd === 6) cls.push('weekend');
    if (date === today) cls.push('today');
    cells.push(
      <div
        key={date}
        className={cls.join(' ')}
        title={
          special
            ? `${date} ${special.name}${special.kind === 'holiday' ? '（放假）' : '（调休上班）'}`
            : date
        }
        data-date={date}
        data-kind={special?.kind ?? ''}
      >
        {d}
        {special && <span className="badge">{special.kind === 'holiday' ? '休' : '班'}</span>}
      </div>,
    );
  }
  return (
    <div className="month-card" data-testid={`month-${month}`}>
      <div className="month-title">{month} 月</div>
      <div className="month-days">
        {WEEK_HEAD.map((w) => (
          <div key={w} className="wd">
            {w}
          </div>
        ))}
        {cells}
      </div>
    </div>
  );
}

interface OverrideForm {
  date?: Dayjs;
  kind: 'holiday' | 'workday';
  name: string;
  notice: string;
}

function OverrideCard({ onAdded }: { onAdded: (date: string) => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<OverrideForm>();
  const [saving, setSaving] = useState(false);

  const submit = async (v: OverrideForm) => {
    if (!v.date) return;
    const date = v.date.format('YYYY-MM-DD');
    setSaving(true);
    try {
      await calendarApi.addOverride({
        date,
        kind: v.kind,
        name: v.name.trim(),
        notice: v.notice.trim(),
      });
      message.success(`已添加 ${date} ${v.kind === 'holiday' ? '放假' : '调休上班'}安排`);
      form.resetFields();
      onAdded(date);
    } catch (e) {
      applyFormErrors(form, e, ['date', 'kind', 'name', 'notice'] as const, (t) =>
        message.error(t),
      );
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      variant="borderless"
      title="添加放假 / 调休安排"
      size="small"
      data-testid="calendar-override-card"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        国务院办公厅发布新的放假通知后，在此逐日录入，办理期限将按新安排计算。
      </Typography.Paragraph>
      <Form<OverrideForm>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'holiday' }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="date" label="日期" rules={[{ required: true, message: '请选择日期' }]}>
          <DatePicker style={{ width: '100%' }} data-testid="override-date" />
        </Form.Item>
        <Form.Item name="kind" label="类型" rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'holiday', label: '放假' },
              { value: 'workday', label: '调休上班' },
            ]}
            data-testid="override-kind"
          />
        </Form.Item>
        <Form.Item
          name="name"
          label="节日名称"
          rules={[{ required: true, whitespace: true, message: '请输入节日名称，如：春节' }]}
        >
          <Input placeholder="如：春节" maxLength={30} data-testid="override-name" />
        </Form.Item>
        <Form.Item
          name="notice"
          label="依据文件"
          rules={[{ required: true, whitespace: true, message: '请输入通知文号' }]}
        >
          <Input
            placeholder="如：国办发明电〔2025〕7号"
            maxLength={100}
            data-testid="override-notice"
          />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          icon={<PlusOutlined />}
          loading={saving}
          block
          data-testid="override-submit"
        >
          添加
        </Button>
      </Form>
    </Card>
  );
}

function DueDateCard() {
  const [from, setFrom] = useState<Dayjs | null>(() => dayjs(shanghaiDate()));
  const [days, setDays] = useState<number | null>(15);
  const [due, setDue] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const compute = async () => {
    if (!from || days === null) return;
    setBusy(true);
    setError(null);
    try {
      const r = await calendarApi.addWorkingDays(from.format('YYYY-MM-DD'), days);
      setDue(r.due);
    } catch (e) {
      setDue(null);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card variant="borderless" title="计算截止日" size="small" data-testid="due-date-card">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <div>
          <Typography.Text type="secondary">起算日期</Typography.Text>
          <DatePicker
            value={from}
            onChange={(d) => setFrom(d)}
            allowClear={false}
            style={{ width: '100%' }}
            data-testid="due-from"
          />
        </div>
        <div>
          <Typography.Text type="secondary">工作日数</Typography.Text>
          <InputNumber
            min={1}
            max={365}
            precision={0}
            value={days}
            onChange={(v) => setDays(v)}
            suffix="个工作日"
            style={{ width: '100%' }}
            data-testid="due-days"
          />
        </div>
        <Button
          icon={<CalculatorOutlined />}
          onClick={() => void compute()}
          loading={busy}
          disabled={!from || !days}
          block
          data-testid="due-compute"
        >
          计算
        </Button>
        {due && (
          <Alert
            type="success"
            title={
              <span>
                截止日：<strong data-testid="due-result">{formatLongDate(due)}</strong>
              </span>
            }
            description={`自 ${from?.format('YYYY年M月D日')} 起 ${days} 个工作日（已扣除法定节假日，计入调休上班日）`}
          />
        )}
        {error && <Alert type="error" showIcon title={error} data-testid="due-error" />}
      </Space>
    </Card>
  );
}

export default function CalendarPage() {
  const { can } = useAuth();
  const today = shanghaiDate();
  const thisYear = Number(today.slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [data, setData] = useState<CalendarYear | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (y: number) => {
    setLoading(true);
    setError(null);
    try {
      const r = await calendarApi.year(y);
      setData(r);
    } catch (e) {
      setData(null);
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(year);
  }, [year, load]);

  const byDate = useMemo(() => new Map((data?.days ?? []).map((d) => [d.date, d])), [data]);
  const holidays = data?.days.filter((d) => d.kind === 'holiday').length ?? 0;
  const workdays = data?.days.filter((d) => d.kind === 'adjusted_workday').length ?? 0;
  const years = Array.from({ length: 8 }, (_, i) => thisYear - 5 + i);

  return (
    <div data-testid="calendar-page">
      <PageHeader
        title="工作日历"
        subtitle="法定节假日与调休安排，用于计算各类事项的办理期限（按北京时间）。"
        extra={
          <Space>
            <Button
              icon={<LeftOutlined />}
              onClick={() => setYear((y) => y - 1)}
              aria-label="上一年"
            />
            <Select
              value={year}
              onChange={setYear}
              options={years.map((y) => ({ value: y, label: `${y} 年` }))}
              style={{ width: 110 }}
              data-testid="calendar-year"
            />
            <Button
              icon={<RightOutlined />}
              onClick={() => setYear((y) => y + 1)}
              aria-label="下一年"
            />
          </Space>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={17}>
          <Card variant="borderless">
            {error && (
              <Alert
                type="error"
                showIcon
                title="日历加载失败"
                description={error}
                style={{ marginBottom: 16 }}
              />
            )}
            {data && !data.covered && (
              <Alert
                type="warning"
                showIcon
                title={`平台尚未收录 ${data.year} 年的国务院放假安排`}
                description="以下仅显示手动添加的安排，其余日期按周一至周五上班计算。请在通知发布后添加放假与调休日期。"
                style={{ marginBottom: 16 }}
                data-testid="calendar-not-covered"
              />
            )}
            <Spin spinning={loading}>
              <Tabs
                items={[
                  {
                    key: 'grid',
                    label: '月历',
                    children: (
                      <>
                        <div className="calendar-legend" style={{ marginBottom: 12 }}>
                          <span>
                            <span className="swatch" style={{ background: '#fee2e2' }} />
                            放假（{holidays} 天）
                          </span>
                          <span>
                            <span className="swatch" style={{ background: '#e0e7ff' }} />
                            调休上班（{workdays} 天）
                          </span>
                          <span>
                            <span className="swatch" style={{ border: '2px solid #1d4ed8' }} />
                            今天
                          </span>
                        </div>
                        <div className="month-grid" data-testid="calendar-grid">
                          {Array.from({ length: 12 }, (_, i) => (
                            <MonthCard
                              key={i}
                              year={year}
                              month={i + 1}
                              byDate={byDate}
                              today={today}
                            />
                          ))}
                        </div>
                      </>
                    ),
                  },
                  {
                    key: 'list',
                    label: '列表',
                    children: (
                      <Table<CalendarDay>
                        rowKey="date"
                        size="small"
                        dataSource={data?.days ?? []}
                        pagination={false}
                        data-testid="calendar-list"
                        locale={{ emptyText: '本年度暂无节假日或调休安排' }}
                        columns={[
                          { title: '日期', dataIndex: 'date', width: 120 },
                          {
                            title: '星期',
                            dataIndex: 'date',
                            key: 'wd',
                            width: 90,
                            render: (d: string) => WEEKDAY_NAMES[weekdayOf(d)],
                          },
                          {
                            title: '类型',
                            dataIndex: 'kind',
                            width: 110,
                            render: (k: CalendarDay['kind']) =>
                              k === 'holiday' ? (
                                <Tag color="red">放假</Tag>
                              ) : (
                                <Tag color="geekblue">调休上班</Tag>
                              ),
                          },
                          { title: '名称', dataIndex: 'name' },
                          {
                            title: '来源',
                            dataIndex: 'source',
                            width: 110,
                            render: (s: CalendarDay['source']) =>
                              s === 'override' ? (
                                <Tag color="purple">手动添加</Tag>
                              ) : (
                                <Tag>内置</Tag>
                              ),
                          },
                        ]}
                      />
                    ),
                  },
                ]}
              />
            </Spin>
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <DueDateCard />
            {can('calendar.manage') && (
              <OverrideCard
                onAdded={(date) => {
                  const y = Number(date.slice(0, 4));
                  if (y === year) void load(year);
                  else setYear(y);
                }}
              />
            )}
          </Space>
        </Col>
      </Row>
    </div>
  );
}
