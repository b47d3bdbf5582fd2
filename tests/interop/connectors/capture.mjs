#!/usr/bin/env node
// Differential-test oracle: runs the official Logto connector packages (installed in
// tests/interop/node_modules) against the cases in cases.json with frozen time and nonce,
// captures the exact HTTP request each connector sends, and records how each connector maps
// canned provider responses (and invalid configs) to errors.
//
//   node capture.mjs cases.json out.json
//
// Nothing leaves the process: https.globalAgent.createConnection is replaced so that every
// HTTPS request got makes is carried, as plain HTTP/1.1, over a loopback socket to a fake
// server started by this script, and net.Socket#connect refuses any non-loopback target
// (the run then exits with status 3). See README.md in this folder for the file formats.

import { createRequire, syncBuiltinESMExports } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';

process.env.TZ = 'UTC'; // nothing below should depend on it, but make sure.

const require = createRequire(import.meta.url);
const net = require('node:net');
const http = require('node:http');
const https = require('node:https');
const nodeCrypto = require('node:crypto');

const [casesPath, outPath] = process.argv.slice(2);
if (!casesPath || !outPath) {
  process.stderr.write('usage: node capture.mjs cases.json out.json\n');
  process.exit(64);
}

// ---------------------------------------------------------------------------------------------
// 1. Network guard: only loopback (and unix sockets) may be connected to.
// ---------------------------------------------------------------------------------------------
const guardViolations = [];
let guardQuiet = false; // true only during the self-check below
const isLoopback = (host) =>
  host === undefined ||
  host === null ||
  host === '' ||
  host === 'localhost' ||
  host === '::1' ||
  /^127(?:\.\d{1,3}){3}$/.test(host) ||
  /^::ffff:127(?:\.\d{1,3}){3}$/.test(host);

const originalSocketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect()/tls.connect() pass an internal [options, callback] array; user code may pass
  // (options[, cb]), (port[, host][, cb]) or (path[, cb]).
  let options = args[0];
  if (Array.isArray(options)) options = options[0];
  let host;
  let path;
  if (options !== null && typeof options === 'object') {
    host = options.host ?? options.hostname;
    path = options.path;
  } else if (typeof options === 'string' && Number.isNaN(Number(options))) {
    path = options;
  } else if (typeof args[1] === 'string') {
    host = args[1];
  }
  // Like net itself: a truthy `path` means a local IPC socket, anything else is TCP to `host`.
  if (!path && !isLoopback(host)) {
    const message = `NETWORK GUARD: refused to open a socket to non-loopback host ${JSON.stringify(
      host,
    )}`;
    guardViolations.push(message);
    if (!guardQuiet) process.stderr.write(message + '\n');
    throw new Error(message);
  }
  return originalSocketConnect.apply(this, args);
};

// DNS is refused too for non-loopback names (net.connect looks `dns.lookup` up at call time).
const dns = require('node:dns');
for (const [holder, name] of [
  [dns, 'lookup'],
  [dns.promises, 'lookup'],
]) {
  const original = holder[name];
  holder[name] = function guardedLookup(hostname, ...rest) {
    if (!isLoopback(hostname)) {
      const message = `NETWORK GUARD: refused to resolve non-loopback host ${JSON.stringify(hostname)}`;
      guardViolations.push(message);
      if (!guardQuiet) process.stderr.write(message + '\n');
      throw new Error(message);
    }
    return original.call(this, hostname, ...rest);
  };
}

// Prove the guard works before anything else runs (no packet is sent: the guard throws first).
{
  const tls = require('node:tls');
  const attempts = [
    () => new net.Socket().connect(443, 'dysmsapi.aliyuncs.com'),
    () => net.connect({ host: 'api.twilio.com', port: 443 }),
    () => new net.Socket().connect({ host: 'dm.aliyuncs.com', port: 443, path: null }), // https.Agent shape
    () => tls.connect({ host: 'sms.tencentcloudapi.com', port: 443, servername: 'x' }),
    () => dns.lookup('dysmsapi.aliyuncs.com', () => {}),
  ];
  guardQuiet = true;
  let refused = 0;
  for (const attempt of attempts) {
    try {
      attempt()?.destroy?.();
    } catch {
      refused += 1;
    }
  }
  guardQuiet = false;
  if (refused !== attempts.length || guardViolations.length !== attempts.length) {
    process.stderr.write('network guard self-check failed\n');
    process.exit(3);
  }
  guardViolations.length = 0;
}
const assertNoGuardViolation = () => {
  if (guardViolations.length > 0) {
    process.stderr.write(`${guardViolations.length} network guard violation(s); no output written\n`);
    process.exit(3);
  }
};

// ---------------------------------------------------------------------------------------------
// 2. Frozen clock and nonce.
//    aliyun-sms / aliyun-dm: `import { randomUUID } from "crypto"` and `new Date()`.
//    tencent-sms: `Date.now()`.  twilio-sms: neither.
// ---------------------------------------------------------------------------------------------
let frozenNow; // undefined = real time
let frozenNonce; // undefined = real randomUUID

const RealDate = Date;
globalThis.Date = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    if (args.length === 0 && frozenNow !== undefined) {
      return Reflect.construct(target, [frozenNow], newTarget);
    }
    return Reflect.construct(target, args, newTarget);
  },
  apply(target, thisArg, args) {
    return frozenNow === undefined
      ? Reflect.apply(target, thisArg, args)
      : new RealDate(frozenNow).toString();
  },
  get(target, property, receiver) {
    if (property === 'now') {
      return () => (frozenNow === undefined ? RealDate.now() : frozenNow);
    }
    return Reflect.get(target, property, receiver);
  },
});

const realRandomUUID = nodeCrypto.randomUUID;
nodeCrypto.randomUUID = function randomUUID(...args) {
  if (frozenNonce === undefined) return realRandomUUID.apply(this, args);
  return frozenNonce;
};
// Propagate to `import { randomUUID } from "crypto"` in ESM modules.
syncBuiltinESMExports();
if (globalThis.crypto?.randomUUID) {
  const realWebRandomUUID = globalThis.crypto.randomUUID.bind(globalThis.crypto);
  globalThis.crypto.randomUUID = () => {
    if (frozenNonce === undefined) return realWebRandomUUID();
    return frozenNonce;
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Fake provider on loopback + redirection of got's HTTPS requests to it.
//    got 14 (http2: false, the default) calls `https.request(url, options)` with no agent,
//    i.e. https.globalAgent. We only replace how that agent opens its connection: everything
//    got and Node put on the wire (request line, headers in order, body) is unchanged.
// ---------------------------------------------------------------------------------------------
let currentResponse; // {status, reason?, headers, body}
let captured = []; // requests seen for the current case
let requestedUrls = []; // URLs got handed to https.request for the current case

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = raw.toString('utf8');
    if (!Buffer.from(body, 'utf8').equals(raw)) {
      throw new Error('request body is not valid UTF-8');
    }
    const headers = [];
    for (let index = 0; index < request.rawHeaders.length; index += 2) {
      headers.push([request.rawHeaders[index], request.rawHeaders[index + 1]]);
    }
    captured.push({
      method: request.method,
      target: request.url,
      httpVersion: request.httpVersion,
      headers,
      body,
    });
    const canned = currentResponse;
    const payload = Buffer.from(canned.body, 'utf8');
    response.sendDate = false;
    response.statusCode = canned.status;
    response.statusMessage = canned.reason ?? STATUS_CODES[canned.status] ?? 'Unknown';
    for (const [name, value] of Object.entries(canned.headers ?? {})) {
      response.setHeader(name, value);
    }
    if (canned.status !== 204 && canned.status !== 304) {
      response.setHeader('content-length', String(payload.length));
      response.end(payload);
    } else {
      response.end();
    }
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const fakePort = server.address().port;

https.globalAgent.createConnection = function loopbackConnection(options, callback) {
  const socket = net.connect({ host: '127.0.0.1', port: fakePort });
  if (callback) socket.once('connect', () => callback(null, socket));
  return socket;
};

const originalHttpsRequest = https.request;
https.request = function recordingRequest(...args) {
  const [first] = args;
  if (first instanceof URL) requestedUrls.push(first.href);
  else if (typeof first === 'string') requestedUrls.push(new URL(first).href);
  else requestedUrls.push(null);
  const options = args.find((a) => a && typeof a === 'object' && !(a instanceof URL));
  if (options?.agent !== undefined && options.agent !== https.globalAgent) {
    throw new Error('capture.mjs: got used an explicit agent; interception assumptions broken');
  }
  return originalHttpsRequest.apply(this, args);
};
const originalHttpRequest = http.request;
http.request = function refusedHttpRequest(...args) {
  const [first] = args;
  const href = first instanceof URL ? first.href : typeof first === 'string' ? first : null;
  if (href && !/^http:\/\/(127\.|localhost|\[::1\])/.test(href)) {
    throw new Error(`capture.mjs: unexpected plain-HTTP request to ${href}`);
  }
  return originalHttpRequest.apply(this, args);
};

// ---------------------------------------------------------------------------------------------
// 4. The connectors (imported only after the patches above).
// ---------------------------------------------------------------------------------------------
const { ConnectorError } = await import('@logto/connector-kit');
const factories = {
  'aliyun-sms': (await import('@logto/connector-aliyun-sms')).default,
  'aliyun-dm': (await import('@logto/connector-aliyun-dm')).default,
  'tencent-sms': (await import('@logto/connector-tencent-sms')).default,
  'twilio-sms': (await import('@logto/connector-twilio-sms')).default,
};
const packageVersion = (name) => {
  // Walk up from the resolved entry point (some packages do not export ./package.json).
  let directory = new URL('.', import.meta.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', directory), 'utf8'));
      if (manifest.name === name) return manifest.version;
    } catch {}
    const parent = new URL('..', directory);
    if (parent.href === directory.href) throw new Error(`cannot find the version of ${name}`);
    directory = parent;
  }
};
const packages = Object.fromEntries(
  [
    '@logto/connector-aliyun-sms',
    '@logto/connector-aliyun-dm',
    '@logto/connector-tencent-sms',
    '@logto/connector-twilio-sms',
    '@logto/connector-kit',
    'got',
    'zod',
  ].map((name) => [name, packageVersion(name)]),
);

const pinned = {
  '@logto/connector-aliyun-sms': '1.5.5',
  '@logto/connector-aliyun-dm': '1.6.1',
  '@logto/connector-tencent-sms': '1.4.4',
  '@logto/connector-twilio-sms': '1.4.4',
  '@logto/connector-kit': '5.1.1',
};
for (const [name, version] of Object.entries(pinned)) {
  if (packages[name] !== version) {
    process.stderr.write(`warning: ${name} is ${packages[name]}, expected ${version}\n`);
  }
}

// Success answer used for request_cases and config_cases (a config that unexpectedly passes
// validation still gets a well-formed answer and is recorded as {ok:true}).
const successResponses = {
  'aliyun-sms': {
    status: 200,
    headers: { 'content-type': 'application/json;charset=utf-8' },
    body: '{"RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990","Message":"OK","BizId":"900619746936498440^0","Code":"OK"}',
  },
  'aliyun-dm': {
    status: 200,
    headers: { 'content-type': 'application/json;charset=utf-8' },
    body: '{"EnvId":"600000xxxxxxxx","RequestId":"12D086F6-8F31-4658-84C1-006DED011A85"}',
  },
  'tencent-sms': {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8613800138000","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6-cf91-4f3e-a81f-9198114a2279"}}',
  },
  'twilio-sms': {
    status: 201,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: '{"sid":"SM00000000000000000000000000000001","status":"accepted"}',
  },
};

const toJson = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

const describeOutcome = (settled) => {
  if (settled.ok) {
    const value = settled.value;
    // aliyun-sms / aliyun-dm return a plain object; tencent-sms / twilio-sms return got's
    // Response, which is not recorded.
    const plain =
      value !== null &&
      typeof value === 'object' &&
      Object.getPrototypeOf(value) === Object.prototype;
    return plain ? { ok: true, result: toJson(value) } : { ok: true };
  }
  const error = settled.error;
  if (error instanceof ConnectorError) {
    return {
      ok: false,
      error_class: 'ConnectorError',
      code: error.code,
      data: toJson(error.data),
      message: error.message,
    };
  }
  return {
    ok: false,
    error_class: error?.constructor?.name ?? typeof error,
    code: error?.code ?? error?.name ?? null,
    data: null,
    message: String(error?.message ?? error),
  };
};

// Logto core's `getI18nEmailTemplate(templateType, languageTag)` (packages/core/src/libraries/connector.ts)
// transcribed over the case's `i18n_email_templates` list, where `findByLanguageTagAndTemplateType` is an
// exact match of both. Every call the connector makes is recorded in `calls` as [templateType, languageTag].
const logtoCoreGetI18nEmailTemplate =
  ({ fallback_language: fallbackLanguage, templates }, calls) =>
  async (templateType, languageTag) => {
    calls.push([templateType, languageTag ?? null]);
    const find = (type, tag) =>
      templates.find((row) => row.templateType === type && row.languageTag === tag)?.details;
    if (languageTag) {
      const template = find(templateType, languageTag);
      if (template) return structuredClone(template);
    }
    const fallbackTemplate = find(templateType, fallbackLanguage);
    if (fallbackTemplate) return structuredClone(fallbackTemplate);
    const genericTemplate = find('Generic', fallbackLanguage);
    return genericTemplate ? structuredClone(genericTemplate) : undefined;
  };

const runCase = async (testCase, response) => {
  const factory = factories[testCase.connector];
  if (!factory) throw new Error(`${testCase.name}: unknown connector ${testCase.connector}`);
  captured = [];
  requestedUrls = [];
  currentResponse = response;
  const config = structuredClone(testCase.config);
  const message = structuredClone(testCase.message);
  const connectorOptions = { getConfig: async () => structuredClone(testCase.config) };
  if (testCase.i18n_email_template !== undefined) {
    connectorOptions.getI18nEmailTemplate = async () =>
      structuredClone(testCase.i18n_email_template ?? undefined);
  }
  const i18nCalls = [];
  if (testCase.i18n_email_templates !== undefined) {
    connectorOptions.getI18nEmailTemplate = logtoCoreGetI18nEmailTemplate(
      testCase.i18n_email_templates,
      i18nCalls,
    );
  }
  frozenNow = testCase.time_ms;
  frozenNonce = testCase.nonce;
  let settled;
  try {
    const connector = await factory(connectorOptions);
    settled = { ok: true, value: await connector.sendMessage(message, config) };
  } catch (error) {
    settled = { ok: false, error };
  } finally {
    frozenNow = undefined;
    frozenNonce = undefined;
  }
  assertNoGuardViolation();
  if (captured.length > 1 || requestedUrls.length > 1) {
    throw new Error(`${testCase.name}: more than one request was sent`);
  }
  const request =
    captured.length === 0
      ? null
      : {
          method: captured[0].method,
          url: requestedUrls[0],
          headers: captured[0].headers,
          body: captured[0].body,
        };
  if (request) {
    const target = new URL(request.url);
    if (target.pathname + target.search !== captured[0].target) {
      throw new Error(`${testCase.name}: request-target ${captured[0].target} != ${request.url}`);
    }
    if (captured[0].httpVersion !== '1.1') throw new Error(`${testCase.name}: not HTTP/1.1`);
  }
  return {
    request,
    outcome: describeOutcome(settled),
    ...(testCase.i18n_email_templates !== undefined ? { i18n_calls: i18nCalls } : {}),
  };
};

// ---------------------------------------------------------------------------------------------
// 5. Run.
// ---------------------------------------------------------------------------------------------
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
const names = new Set();
for (const list of ['request_cases', 'response_cases', 'config_cases']) {
  for (const testCase of cases[list] ?? []) {
    if (names.has(testCase.name)) throw new Error(`duplicate case name ${testCase.name}`);
    names.add(testCase.name);
  }
}

const out = {
  packages,
  request_results: [],
  response_results: [],
  config_results: [],
};

for (const testCase of cases.request_cases ?? []) {
  const result = await runCase(testCase, successResponses[testCase.connector]);
  if (!result.request) {
    throw new Error(`${testCase.name}: no request was sent (${JSON.stringify(result.outcome)})`);
  }
  // got 14 also calls randomUUID() for its diagnostics-channel request id (never sent).
  if (
    testCase.connector.startsWith('aliyun') &&
    !result.request.body.includes(`&SignatureNonce=${testCase.nonce}&`)
  ) {
    throw new Error(`${testCase.name}: the frozen nonce did not reach the request`);
  }
  out.request_results.push({
    name: testCase.name,
    request: result.request,
    outcome: result.outcome,
    ...(result.i18n_calls !== undefined ? { i18n_calls: result.i18n_calls } : {}),
  });
}

for (const testCase of cases.response_cases ?? []) {
  const result = await runCase(testCase, testCase.response);
  if (!result.request) {
    throw new Error(`${testCase.name}: no request was sent (${JSON.stringify(result.outcome)})`);
  }
  out.response_results.push({ name: testCase.name, outcome: result.outcome });
}

for (const testCase of cases.config_cases ?? []) {
  const result = await runCase(testCase, successResponses[testCase.connector]);
  out.config_results.push({
    name: testCase.name,
    request_sent: result.request !== null,
    outcome: result.outcome,
  });
}

https.globalAgent.destroy();
await new Promise((resolve) => server.close(resolve));

assertNoGuardViolation();

// Pretty-printed, with each [name, value] header pair kept on one line.
const text = JSON.stringify(out, null, 2).replace(
  /\[\n\s+("(?:[^"\\]|\\.)*"),\n\s+("(?:[^"\\]|\\.)*")\n\s+\]/g,
  '[$1, $2]',
);
if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(out)) throw new Error('formatter bug');
writeFileSync(outPath, text + '\n');
process.stderr.write(
  `captured ${out.request_results.length} requests, ${out.response_results.length} responses, ${out.config_results.length} config cases -> ${outPath}\n`,
);
