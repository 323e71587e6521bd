// 目录检索: every signed-in user searches the published catalog (words, data items, facets).
import { FormOutlined, GlobalOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useNavigate } from 'react-router';
import { catalogApi } from '../../api/endpoints';
import type { SearchHit } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import PageHeader from '../../components/PageHeader';
import SearchView from './SearchView';

const hrefOf = (hit: SearchHit) => `/catalog/entries/${encodeURIComponent(hit.id)}`;

export default function CatalogSearchPage() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const worker = can('catalog.edit') || can('catalog.review') || can('catalog.publish');
  return (
    <div data-testid="catalog-search-page">
      <PageHeader
        title="目录检索"
        subtitle="检索已发布的政务数据资源目录：按名称、摘要、提供方、分类或信息项查找，了解如何申请使用。"
        extra={
          <Space>
            <Button icon={<GlobalOutlined />} onClick={() => void navigate('/open')}>
              开放数据目录
            </Button>
            {worker && (
              <Button
                type="primary"
                icon={<FormOutlined />}
                onClick={() => void navigate('/catalog/work')}
              >
                目录工作台
              </Button>
            )}
          </Space>
        }
      />
      <SearchView
        search={catalogApi.search}
        hrefOf={hrefOf}
        facets={['provider', 'classification', 'sharingType', 'openType', 'kind']}
        testPrefix="catalog"
        placeholder="资源名称、摘要、提供方或资源代码"
      />
    </div>
  );
}
