// The layout of the pages anyone may open without logging in (开放数据): the platform's name,
// a link to the console (signed in) or to the login page, and the page below.
import { LoginOutlined, DashboardOutlined } from '@ant-design/icons';
import { Button, Layout } from 'antd';
import { Suspense } from 'react';
import { Link, Outlet, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext';

const { Header, Content, Footer } = Layout;

export default function PublicLayout() {
  const { status } = useAuth();
  const navigate = useNavigate();
  return (
    <Layout style={{ minHeight: '100vh' }} data-testid="public-layout">
      <Header className="app-header">
        <Link to="/open" className="app-brand" data-testid="public-brand">
          <span className="app-brand-mark">民</span>
          民政数据开放目录
        </Link>
        <span className="app-header-spacer" />
        {status === 'authenticated' ? (
          <Button
            ghost
            size="small"
            icon={<DashboardOutlined />}
            onClick={() => void navigate('/')}
            data-testid="public-console"
          >
            进入工作台
          </Button>
        ) : (
          <Button
            ghost
            size="small"
            icon={<LoginOutlined />}
            onClick={() => void navigate('/login')}
            data-testid="public-login"
          >
            工作人员登录
          </Button>
        )}
      </Header>
      <Content className="public-content">
        <Suspense
          fallback={
            <div className="page-loading">
              <span />
            </div>
          }
        >
          <Outlet />
        </Suspense>
      </Content>
      <Footer style={{ textAlign: 'center', color: '#64748b', fontSize: 12 }}>
        民政数据资源管理与共享交换平台 · 开放数据依法向社会公开，使用时请注明来源
      </Footer>
    </Layout>
  );
}
