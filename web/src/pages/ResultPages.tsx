import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';

export function NotFoundPage() {
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="页面不存在"
      subTitle="您访问的页面不存在或已被移除。"
      extra={
        <Button type="primary" onClick={() => void navigate('/')}>
          返回工作台
        </Button>
      }
      data-testid="not-found"
    />
  );
}

export function ForbiddenPage() {
  return (
    <Result
      status="403"
      title="没有权限"
      subTitle="您没有访问此页面的权限，如需开通请联系本单位管理员。"
    />
  );
}
