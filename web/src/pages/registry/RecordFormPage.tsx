// 录入 / 修改优抚对象 (/registry/records/new, /registry/records/:id/edit): person, category and
// the benefit details the category asks for, saved as a draft. Text is screened by the server
// (REG-08): what it refuses is shown under the field that holds it. Scans are uploaded on the
// record page once the draft exists.
import { ArrowLeftOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Result, Select, Skeleton, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import PageHeader from '../../components/PageHeader';
import { registryApi, type RecordDetail } from './api';
import { LockBanner, useCategories, useRegistryOverview } from './common';
import {
  BenefitFields,
  PersonFields,
  applyServerErrors,
  toFormValues,
  toRecordFields,
  type RecordFormValues,
} from './fields';
import { AttachmentsPanel } from './AttachmentsPanel';

export default function RecordFormPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<RecordFormValues>();
  const categories = useCategories();
  const { overview } = useRegistryOverview();
  const [record, setRecord] = useState<RecordDetail | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const categoryCode = Form.useWatch('categoryCode', form);
  const category = categories.find((c) => c.code === categoryCode);

  useEffect(() => {
    if (!id) return;
    let cancelled = false;
    registryApi.record(id).then(
      (r) => {
        if (cancelled) return;
        setRecord(r);
        form.setFieldsValue(toFormValues(r));
      },
      (e: unknown) => !cancelled && setLoadError(e instanceof ApiError ? e : new ApiError(0, {})),
    );
    return () => {
      cancelled = true;
    };
  }, [id, form]);

  // A new record starts in the caller's own area (the township or county that enters it).
  useEffect(() => {
    if (!id && overview && !form.getFieldValue('divisionCode')) {
      form.setFieldValue('divisionCode', overview.divisionCode);
    }
  }, [id, overview, form]);

  const save = async (v: RecordFormValues) => {
    setSaving(true);
    setError(null);
    try {
      const fields = toRecordFields(v, category);
      if (record) {
        const saved = await registryApi.updateRecord(record.id, {
          ...fields,
          version: record.version,
        });
        message.success('已保存');
        void navigate(`/registry/records/${saved.id}`);
      } else {
        const created = await registryApi.createRecord(fields);
        message.success('已保存为草稿：请上传身份证复印件和户口簿复印件后提交复核');
        void navigate(`/registry/records/${created.id}`);
      }
    } catch (e) {
      setError(applyServerErrors(form, e));
    } finally {
      setSaving(false);
    }
  };

  if (loadError) {
    return (
      <Result
        status={loadError.status === 404 ? '404' : 'warning'}
        title="无法修改该记录"
        subTitle={loadError.userMessage}
      />
    );
  }
  if (id && !record) return <Skeleton active paragraph={{ rows: 12 }} />;

  return (
    <div data-testid="registry-record-form">
      <PageHeader
        title={record ? `修改：${record.name}` : '录入优抚对象'}
        subtitle="档案材料齐全后再提交；公民身份号码不合法的，须核验身份证原件并上传复印件后才能上报。"
        extra={
          <Button
            icon={<ArrowLeftOutlined />}
            onClick={() =>
              void navigate(record ? `/registry/records/${record.id}` : '/registry/records')
            }
          >
            返回
          </Button>
        }
      />
      <LockBanner overview={overview} />
      <Form<RecordFormValues>
        form={form}
        layout="vertical"
        onFinish={(v) => void save(v)}
        scrollToFirstError
        initialValues={{ benefit: {} }}
      >
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="registry-form-error"
          />
        )}
        <Card variant="borderless" title="基本信息" style={{ marginBottom: 16 }}>
          <PersonFields form={form} />
        </Card>
        <Card variant="borderless" title="优抚类别与抚恤优待信息" style={{ marginBottom: 16 }}>
          <Form.Item
            name="categoryCode"
            label="优抚类别"
            rules={[{ required: true, message: '请选择优抚类别' }]}
            style={{ maxWidth: 360 }}
          >
            <Select
              showSearch
              optionFilterProp="label"
              options={categories
                .filter((c) => c.active || c.code === record?.categoryCode)
                .map((c) => ({ value: c.code, label: c.name }))}
              data-testid="registry-field-categoryCode"
            />
          </Form.Item>
          <BenefitFields category={category} />
        </Card>
        <Space>
          <Button
            type="primary"
            htmlType="submit"
            icon={<SaveOutlined />}
            loading={saving}
            data-testid="registry-form-save"
          >
            保存草稿
          </Button>
        </Space>
      </Form>
      {record && (
        <div style={{ marginTop: 16 }}>
          <AttachmentsPanel record={record} onChanged={setRecord} />
        </div>
      )}
    </div>
  );
}
