// 开放数据 (public, no login): the catalog of resources opened to the public, searched like
// the internal catalog; each entry links to its public page.
import { openApi } from '../../api/endpoints';
import type { SearchHit } from '../../api/types';
import PageHeader from '../../components/PageHeader';
import SearchView from '../catalog/SearchView';

const hrefOf = (hit: SearchHit) => `/open/${encodeURIComponent(hit.code)}`;

export default function OpenCatalogPage() {
  return (
    <div data-testid="open-catalog-page">
      <PageHeader
        title="开放数据目录"
        subtitle="民政部门依法向社会开放的数据资源。无条件开放的结构化数据可直接下载；有条件开放的请按开放条件向提供方申请。"
      />
      <SearchView
        search={openApi.search}
        hrefOf={hrefOf}
        facets={['openType', 'provider', 'classification', 'kind']}
        testPrefix="open"
        placeholder="资源名称、摘要或提供方"
      />
    </div>
  );
}
