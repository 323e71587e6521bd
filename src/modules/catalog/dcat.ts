/**
 * The catalog as DCAT-AP 3 JSON-LD, so that standard catalog harvesters (CKAN's DCAT
 * harvester, the EU data portal, Magda) can read it. Vocabularies follow DCAT-AP 3:
 * frequencies and access rights from the EU Publications Office authority tables.
 */
import type { CatalogVersionTable } from '../../db/schema.ts';
import type { EntryContent } from './elements.ts';
import { classificationNode } from './classification.ts';

const frequencyUri: Record<string, string> = {
  realtime: 'CONT',
  daily: 'DAILY',
  weekly: 'WEEKLY',
  monthly: 'MONTHLY',
  quarterly: 'QUARTERLY',
  half_yearly: 'ANNUAL_2',
  yearly: 'ANNUAL',
  irregular: 'IRREG',
};

const accessRightsOf = (content: EntryContent) =>
  content.openType === 'open_unconditional'
    ? 'PUBLIC'
    : content.openType === 'open_conditional' || content.sharingType !== 'none'
      ? 'RESTRICTED'
      : 'NON_PUBLIC';

const mediaTypes: Record<string, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  json: 'application/json',
  xml: 'application/xml',
  pdf: 'application/pdf',
  ofd: 'application/ofd',
  txt: 'text/plain',
  jpg: 'image/jpeg',
};

type LiveEntry = CatalogVersionTable & {
  parsed: EntryContent;
  provider_name: string;
  provider_credit_code: string | null;
};

const zh = (value: string) => ({ '@language': 'zh', '@value': value });

export function toDcatCatalog(entries: LiveEntry[], baseUrl: string, openOnly: boolean) {
  const eu = 'http://publications.europa.eu/resource/authority';
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
      vcard: 'http://www.w3.org/2006/vcard/ns#',
      skos: 'http://www.w3.org/2004/02/skos/core#',
      adms: 'http://www.w3.org/ns/adms#',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
    },
    '@id': `${baseUrl}${openOnly ? '/api/v1/open/dcat' : '/api/v1/catalog/dcat'}`,
    '@type': 'dcat:Catalog',
    'dct:title': zh(openOnly ? '开放数据目录' : '政务数据资源目录'),
    'dct:description': zh(
      openOnly ? '向社会开放的政务数据资源' : '已发布的政务数据资源目录（政务内部共享）',
    ),
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': 'mzhub' },
    'dct:language': { '@id': `${eu}/language/ZHO` },
    'dcat:dataset': entries.map((e) => {
      const c = e.parsed;
      const node = c.classification ? classificationNode(c.classification.code) : null;
      const landing = openOnly
        ? `${baseUrl}/open/${encodeURIComponent(e.code)}`
        : `${baseUrl}/catalog/entries/${e.resource_id}`;
      const detail = (c.formatDetail || '').toLowerCase();
      const distributions =
        c.kind === 'table' && c.openType === 'open_unconditional' && openOnly
          ? [
              {
                '@type': 'dcat:Distribution',
                'dct:title': zh(`${e.name}（CSV）`),
                'dcat:accessURL': { '@id': landing },
                'dcat:downloadURL': {
                  '@id': `${baseUrl}/api/v1/open/catalog/${encodeURIComponent(e.code)}/data?format=csv`,
                },
                'dct:format': { '@id': `${eu}/file-type/CSV` },
                'dcat:mediaType': {
                  '@id': 'https://www.iana.org/assignments/media-types/text/csv',
                },
              },
            ]
          : [
              {
                '@type': 'dcat:Distribution',
                'dcat:accessURL': { '@id': landing },
                ...(mediaTypes[detail]
                  ? {
                      'dcat:mediaType': {
                        '@id': `https://www.iana.org/assignments/media-types/${mediaTypes[detail]}`,
                      },
                    }
                  : {}),
              },
            ];
      return {
        '@id': landing,
        '@type': 'dcat:Dataset',
        'dct:identifier': e.code,
        'dct:title': zh(e.name),
        'dct:description': zh(c.summary),
        'dct:publisher': {
          '@type': 'foaf:Agent',
          'foaf:name': e.provider_name,
          ...(e.provider_credit_code ? { 'dct:identifier': e.provider_credit_code } : {}),
        },
        ...(e.published_at
          ? { 'dct:issued': { '@value': e.published_at, '@type': 'xsd:dateTime' } }
          : {}),
        'dct:modified': { '@value': e.updated_at, '@type': 'xsd:dateTime' },
        'dcat:version': String(e.version),
        ...(c.updateFrequency
          ? {
              'dct:accrualPeriodicity': {
                '@id': `${eu}/frequency/${frequencyUri[c.updateFrequency]}`,
              },
            }
          : {}),
        'dct:accessRights': { '@id': `${eu}/access-right/${accessRightsOf(c)}` },
        ...(node
          ? {
              'dcat:theme': {
                '@type': 'skos:Concept',
                'skos:notation': node.code,
                'skos:prefLabel': zh(node.path.map((p) => p.name).join(' / ')),
              },
            }
          : {}),
        'dcat:keyword': c.dataItems
          .filter((i) => !i.sensitive || !openOnly)
          .slice(0, 20)
          .map((i) => zh(i.name)),
        ...(c.contactPerson
          ? { 'dcat:contactPoint': { '@type': 'vcard:Kind', 'vcard:fn': c.contactPerson } }
          : {}),
        'dcat:distribution': distributions,
      };
    }),
  };
}
