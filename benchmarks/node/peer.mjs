// The Node contenders, driven by the C++ benchmark over stdin/stdout so that their rounds interleave
// with the in-process contenders (ABAB...). One command per line, one reply per line:
//   check <case> <token|tampered_sig|tampered_payload>   -> ok <1 accepted|0 rejected>
//   verify <case> <n>                                    -> ok <wall ns> <cpu ns> <accepted>
//   sign <aliyun|tencent> <n>                            -> ok <wall ns> <cpu ns> <count>
//   sample <aliyun|tencent>                              -> ok <one line of JSON: what the signer produced>
//   quit
// Times are measured here around the n operations only: wall clock (process.hrtime.bigint) and the CPU
// time of the whole Node process (process.cpuUsage: user + system, all threads, so V8's GC helpers count).
//
// Contenders:
//   verify: npm jose jwtVerify(token, key, {issuer, audience, algorithms}) with the key imported once
//           (importJWK), i.e. a cached JWKS key; all work per call is jose's.
//   aliyun: @alicloud/pop-core RPCClient#request('SendSms', ..., {method: 'POST'}) with its HTTP call
//           stubbed out (httpx.request throws right after the signed body is built): parameter
//           normalisation, RFC 3986 encoding, sort, string-to-sign, HMAC-SHA1, base64 and the form body.
//   tencent: tencentcloud-sdk-nodejs-common Sign.sign3 (the TC3-HMAC-SHA256 signer the SDK uses):
//           JSON payload, hashes, canonical request, 4 chained HMACs, Authorization header.
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { importJWK, jwtVerify } from 'jose';

const require = createRequire(import.meta.url);
const dir = process.argv[2];
const claims = Object.fromEntries(
  readFileSync(join(dir, 'claims.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

// ---- JWT verification (npm jose)
const cases = {};
async function jwtCase(name) {
  if (cases[name]) return cases[name];
  const d = join(dir, name);
  const rd = (f) => readFileSync(join(d, f), 'utf8').trim();
  const alg = rd('alg');
  const key = await importJWK(JSON.parse(rd('jwk.json')), alg);
  const c = {
    alg,
    key,
    tokens: { token: rd('token'), tampered_sig: rd('tampered_sig'), tampered_payload: rd('tampered_payload') },
    options: { issuer: claims.issuer, audience: claims.audience, algorithms: [alg] },
  };
  cases[name] = c;
  return c;
}
async function verifyOnce(c, token) {
  try {
    await jwtVerify(token, c.key, c.options);
    return 1;
  } catch {
    return 0;
  }
}

// ---- Aliyun POP RPC v1 (@alicloud/pop-core)
const popDir = require.resolve('@alicloud/pop-core');
const popRequire = createRequire(popDir);
const httpx = popRequire('httpx');
const RPCClient = require('@alicloud/pop-core');
class Captured extends Error {}
httpx.request = async (url, opts) => {
  const e = new Captured('captured');
  e.url = url;
  e.body = opts.data;
  throw e;
};
const aliyun = new RPCClient({
  accessKeyId: 'LTAI5tCaptureAccessKeyId',
  accessKeySecret: 'CaptureAccessKeySecret0123456789',
  endpoint: 'https://dysmsapi.aliyuncs.com',
  apiVersion: '2017-05-25',
});
const aliyunParams = {
  RegionId: 'cn-hangzhou',
  PhoneNumbers: '13800138000',
  SignName: 'Logto',
  TemplateCode: 'SMS_100000001',
  TemplateParam: '{"code":"123456"}',
};
async function aliyunOnce() {
  try {
    await aliyun.request('SendSms', aliyunParams, { method: 'POST', formatParams: false });
  } catch (e) {
    if (e instanceof Captured) return e.body;
    throw e;
  }
  throw new Error('pop-core did not call httpx.request');
}

// ---- Tencent TC3 (tencentcloud-sdk-nodejs-common)
const Sign = require('tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js').default;
// Same inputs as the connector capture tencent-sms/basic-ascii (tests/interop/connectors/cases.json).
const tencentArgs = {
  method: 'POST',
  url: 'https://sms.tencentcloudapi.com/',
  payload: {
    SmsSdkAppId: '1400000001',
    SignName: 'Logto',
    TemplateId: '1000001',
    TemplateParamSet: ['123456'],
    PhoneNumberSet: ['+8613800138000'],
  },
  timestamp: 1704164645,
  service: 'sms',
  secretId: 'AKIDCaptureSecretId0000000000000000',
  secretKey: 'CaptureSecretKey00000000000000000',
  headers: { 'Content-Type': 'application/json; charset=utf-8' },
};
const tencentOnce = () => Sign.sign3(tencentArgs);

function cpuNs(start) {
  const d = process.cpuUsage(start);
  return (d.user + d.system) * 1000;
}

async function handle(line) {
  const [cmd, a, b] = line.trim().split(/\s+/);
  if (cmd === 'check') {
    const c = await jwtCase(a);
    return `ok ${await verifyOnce(c, c.tokens[b])}`;
  }
  if (cmd === 'verify') {
    const c = await jwtCase(a);
    const n = Number(b);
    const token = c.tokens.token;
    let ok = 0;
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) ok += await verifyOnce(c, token);
    const t1 = process.hrtime.bigint();
    return `ok ${t1 - t0} ${cpuNs(c0)} ${ok}`;
  }
  if (cmd === 'sign') {
    const n = Number(b);
    let count = 0;
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    if (a === 'aliyun') {
      for (let i = 0; i < n; i++) count += (await aliyunOnce()).length > 0 ? 1 : 0;
    } else {
      for (let i = 0; i < n; i++) count += tencentOnce().length > 0 ? 1 : 0;
    }
    const t1 = process.hrtime.bigint();
    return `ok ${t1 - t0} ${cpuNs(c0)} ${count}`;
  }
  if (cmd === 'sample') {
    if (a === 'aliyun') return `ok ${JSON.stringify({ body: await aliyunOnce() })}`;
    return `ok ${JSON.stringify({ authorization: tencentOnce() })}`;
  }
  if (cmd === 'quit') process.exit(0);
  return `err unknown command ${cmd}`;
}

const rl = createInterface({ input: process.stdin });
// Commands are handled strictly one after another.
let chain = Promise.resolve();
rl.on('line', (line) => {
  chain = chain.then(async () => {
    let reply;
    try {
      reply = await handle(line);
    } catch (e) {
      reply = `err ${String(e && e.message ? e.message : e).replace(/\n/g, ' ')}`;
    }
    process.stdout.write(reply + '\n');
  });
});
rl.on('close', () => chain.then(() => process.exit(0)));
