// 登记已核验身份证原件 (REG-03): a record whose ID number fails the check may be reported only
// after the original card was checked and a copy uploaded; the verification is audited.
import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { registryApi, type RecordDetail } from './api';

export function VerifyIdModal({
  open,
  record,
  onCancel,
  onDone,
}: {
  open: boolean;
  record: RecordDetail;
  onCancel: () => void;
  onDone: (r: RecordDetail) => void;
}) {
  const [form] = Form.useForm<{ verifiedBy: string; note?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      open={open}
      title="登记已核验身份证原件"
      okText="确认已核验"
      cancelText="取消"
      okButtonProps={{ loading: busy, 'data-testid': 'registry-verify-ok' }}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
      onOk={() =>
        void form.validateFields().then(
          async (v) => {
            setBusy(true);
            setError(null);
            try {
              onDone(await registryApi.verifyId(record.id, v.verifiedBy.trim(), v.note?.trim()));
            } catch (e) {
              setError(errorMessage(e));
            } finally {
              setBusy(false);
            }
          },
          () => undefined,
        )
      }
      data-testid="registry-verify-modal"
    >
      <Typography.Paragraph type="secondary">
        系统提示该公民身份号码不合法（{record.idProblem ?? '校验不通过'}）。按规定须核验身份证原件，
        并上传身份证复印件后才能上报；本次核验记入审计。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="verifiedBy"
          label="核验人"
          rules={[{ required: true, whitespace: true, min: 2, message: '请填写核验人姓名' }]}
        >
          <Input maxLength={50} data-testid="registry-verify-by" />
        </Form.Item>
        <Form.Item name="note" label="说明（可选）">
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
