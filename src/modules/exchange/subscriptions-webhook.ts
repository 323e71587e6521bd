/**
 * The webhook side of subscriptions (订阅推送, EXC-04): which URLs may be registered, how a
 * notification is signed, and the HTTP POST that delivers it.
 *
 * Every delivery carries:
 *
 *   x-mzhub-notification-id  the notification ID; the same on every retry (deduplicate by it)
 *   x-mzhub-subscription-id  the subscription (mzs_…)
 *   x-mzhub-timestamp        milliseconds since the Unix epoch, of this attempt
 *   x-mzhub-signature        hex HMAC-SM3 of the string to sign, keyed with the subscription secret
 *   x-mzhub-sm2-signature    (when chosen) hex r‖s SM2 signature of the same string with the
 *                            platform's key (GET /api/v1/exchange/webhook-key)
 *
 * The string to sign is three lines: the timestamp, the notification ID and the hex SM3 of
 * the body exactly as sent. See docs/exchange.md for verification examples.
 *
 * Against server-side request forgery the platform refuses, unless the installation allows
 * private networks (MZHUB_WEBHOOK_ALLOW_PRIVATE), URLs whose host is or resolves to a
 * loopback, private, link-local or otherwise non-public address — at registration and again
 * at every connection, so a DNS answer that changes later cannot redirect a delivery inward.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export const webhookHeaders = {
  notification: 'x-mzhub-notification-id',
  subscription: 'x-mzhub-subscription-id',
  timestamp: 'x-mzhub-timestamp',
  signature: 'x-mzhub-signature',
  sm2Signature: 'x-mzhub-sm2-signature',
} as const;

export const maxWebhookUrlLength = 2000;

/** How long one delivery may take, connection to response, before it counts as failed. */
export const deliveryTimeoutMs = 5000;

/** Addresses a webhook may not reach unless private networks are allowed. */
const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  nonPublic.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 of any IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  nonPublic.addSubnet(net, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is loopback, private or otherwise not on the internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    // IPv4-mapped addresses (::ffff:10.0.0.1) are judged by their IPv4 part.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return nonPublic.check(mapped, 'ipv4');
    return nonPublic.check(address, 'ipv6');
  }
  return nonPublic.check(address, 'ipv4');
}

export type UrlProblem =
  | { code: 'exchange.webhook_url_invalid'; detail: string }
  | { code: 'exchange.webhook_scheme'; detail: string }
  | { code: 'exchange.webhook_credentials_in_url'; detail: string }
  | { code: 'exchange.webhook_private_address'; detail: string }
  | { code: 'exchange.webhook_unresolvable'; detail: string };

/** The hostname as an address literal, without IPv6 brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Checks a webhook URL before it is registered; null when acceptable. Host names are
 * resolved, so a name that points inside the network is refused like an address would be.
 */
export async function checkWebhookUrl(
  text: string,
  options: { allowPrivate: boolean },
): Promise<UrlProblem | null> {
  if (text.length > maxWebhookUrlLength) {
    return {
      code: 'exchange.webhook_url_invalid',
      detail: `回调地址过长（最多 ${maxWebhookUrlLength} 个字符）`,
    };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      code: 'exchange.webhook_url_invalid',
      detail: '回调地址不是有效的网址，应形如 https://系统域名/路径',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      code: 'exchange.webhook_scheme',
      detail: `回调地址只能使用 http 或 https，不能使用 ${url.protocol.replace(':', '')}`,
    };
  }
  if (url.username || url.password) {
    return {
      code: 'exchange.webhook_credentials_in_url',
      detail: '回调地址中不得包含用户名或密码：推送以订阅密钥签名，接收方据此验证',
    };
  }
  if (url.hash) {
    return { code: 'exchange.webhook_url_invalid', detail: '回调地址不能带“#”片段' };
  }
  if (options.allowPrivate) return null;
  const host = bareHost(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dnsLookupAsync(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return {
        code: 'exchange.webhook_unresolvable',
        detail: `无法解析回调地址的主机名“${host}”，请确认域名正确且平台可以访问`,
      };
    }
  }
  const inner = addresses.find(isNonPublicAddress);
  if (inner) {
    return {
      code: 'exchange.webhook_private_address',
      detail: `回调地址指向本机或内部网络（${inner}），平台不向这些地址推送；如确需推送到政务内网，请由运维人员开启 MZHUB_WEBHOOK_ALLOW_PRIVATE`,
    };
  }
  return null;
}

export const sm3Hex = (body: string) => createHash('sm3').update(body).digest('hex');

/** The three lines a delivery's signatures cover. */
export function webhookStringToSign(timestamp: string, notificationId: string, body: string) {
  return `${timestamp}\n${notificationId}\n${sm3Hex(body)}`;
}

export function webhookSignature(secret: string, text: string): string {
  return createHmac('sm3', secret).update(text).digest('hex');
}

/**
 * What a receiver does: checks a delivery's HMAC in constant time, and that its timestamp is
 * within `maxSkewMs` of `now`.
 */
export function verifyWebhook(
  secret: string,
  delivery: { headers: Record<string, string | undefined>; body: string },
  options: { now?: number; maxSkewMs?: number } = {},
): boolean {
  const id = delivery.headers[webhookHeaders.notification];
  const timestamp = delivery.headers[webhookHeaders.timestamp];
  const presented = delivery.headers[webhookHeaders.signature];
  if (!id || !timestamp || !presented || !/^[0-9a-f]{64}$/i.test(presented)) return false;
  const skew = Math.abs((options.now ?? Date.now()) - Number(timestamp));
  if (!(skew <= (options.maxSkewMs ?? 5 * 60_000))) return false;
  const expected = Buffer.from(
    webhookSignature(secret, webhookStringToSign(timestamp, id, delivery.body)),
    'hex',
  );
  return timingSafeEqual(expected, Buffer.from(presented, 'hex'));
}

/** How one delivery attempt went: acknowledged, or to be tried again later (and why). */
export type DeliveryResult =
  | { kind: 'delivered'; status: number }
  | {
      kind: 'retry';
      code: 'http_status' | 'redirect' | 'timeout' | 'network' | 'address_refused';
      status: number | null;
      detail: string;
    };

class AddressRefused extends Error {
  constructor(readonly address: string) {
    super(`address refused: ${address}`);
  }
}

/** DNS resolution that refuses non-public answers at connection time. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const inner = addresses.find((a) => isNonPublicAddress(a.address));
    if (inner) return callback(new AddressRefused(inner.address), '', 0);
    const first = addresses[0];
    if (!first) return callback(new Error(`no address for ${hostname}`), '', 0);
    if (options.all) {
      (callback as unknown as (e: null, list: LookupAddress[]) => void)(null, addresses);
    } else callback(null, first.address, first.family);
  });
};

/**
 * POSTs one notification. Never throws: every outcome is a DeliveryResult. Redirects are
 * not followed (a 3xx is a failure), and the response body is read only to free the socket.
 */
export function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: { allowPrivate: boolean; timeoutMs?: number },
): Promise<DeliveryResult> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.resolve({
      kind: 'retry',
      code: 'network',
      status: null,
      detail: '回调地址无效',
    });
  }
  const host = bareHost(url);
  if (!options.allowPrivate && isIP(host) && isNonPublicAddress(host)) {
    return Promise.resolve({
      kind: 'retry',
      code: 'address_refused',
      status: null,
      detail: `回调地址指向内部网络（${host}），已拒绝连接`,
    });
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: DeliveryResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const payload = Buffer.from(body, 'utf8');
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      agent: false,
      headers: {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(payload.length),
        'user-agent': 'mzhub-webhook/1',
      },
      ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish({
        kind: 'retry',
        code: 'timeout',
        status: null,
        detail: `接收方未在 ${Math.round((options.timeoutMs ?? deliveryTimeoutMs) / 1000)} 秒内应答`,
      });
    }, options.timeoutMs ?? deliveryTimeoutMs);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > 64 * 1024) response.destroy();
      });
      const done = () => {
        if (status >= 200 && status < 300) finish({ kind: 'delivered', status });
        else if (status >= 300 && status < 400) {
          finish({
            kind: 'retry',
            code: 'redirect',
            status,
            detail: `接收方返回重定向（${status}），平台不跟随重定向，请登记最终地址`,
          });
        } else {
          finish({
            kind: 'retry',
            code: 'http_status',
            status,
            detail: `接收方返回 HTTP ${status}`,
          });
        }
      };
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.on('error', (error) => {
      if (error instanceof AddressRefused) {
        finish({
          kind: 'retry',
          code: 'address_refused',
          status: null,
          detail: `回调地址解析到内部网络（${error.address}），已拒绝连接`,
        });
      } else {
        const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
        finish({ kind: 'retry', code: 'network', status: null, detail: `连接失败（${code}）` });
      }
    });
    request.end(payload);
  });
}
