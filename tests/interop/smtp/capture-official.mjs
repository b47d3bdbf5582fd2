#!/usr/bin/env node
// Runs the official @logto/connector-smtp (nodemailer 8) against an in-process
// smtp-server on 127.0.0.1 and records, per case, the exact DATA bytes and the SMTP
// conversation as seen on the wire (through a recording TCP relay).
//
//   node capture-official.mjs CASES.json OUT.json [--check EXPECTED.json]
//
// With --check, exits 1 if OUT differs from EXPECTED other than in Message-ID values.
//
// See README.md in this folder for the case and output formats.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

import { SMTPServer } from 'smtp-server';

import { asciiJson, headerList, maskMessageId, MESSAGE_ID_RE } from './lib.mjs';

const pkgVersion = (name) =>
  JSON.parse(fs.readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;

const argv = process.argv.slice(2);
if (!(argv.length === 2 || (argv.length === 4 && argv[2] === '--check'))) {
  console.error('usage: node capture-official.mjs CASES.json OUT.json [--check EXPECTED.json]');
  process.exit(2);
}
const [casesFile, outFile, , checkFile] = argv;

// ---------------------------------------------------------------------------
// Frozen clock: `new Date()` and Date.now() return the case's time_ms while a case
// runs. Date(x) with arguments is untouched. Timers do not use Date.
const RealDate = Date;
let frozenMs = null;
class FrozenDate extends RealDate {
  constructor(...args) {
    if (args.length === 0 && frozenMs !== null) super(frozenMs);
    else super(...args);
  }
  static now() {
    return frozenMs ?? RealDate.now();
  }
}
globalThis.Date = FrozenDate;

// Deterministic os.hostname() (nodemailer's EHLO fallback when config.name is unset):
// a name without a dot makes nodemailer say `EHLO [127.0.0.1]`.
const DEFAULT_FAKE_HOSTNAME = 'capture-host';
let fakeHostname = DEFAULT_FAKE_HOSTNAME;
os.hostname = () => fakeHostname;

const { default: createConnector } = await import('@logto/connector-smtp');
const versions = {
  node: process.version,
  '@logto/connector-smtp': pkgVersion('@logto/connector-smtp'),
  '@logto/connector-kit': pkgVersion('@logto/connector-kit'),
  nodemailer: pkgVersion('nodemailer'),
  'smtp-server': pkgVersion('smtp-server'),
};

// ---------------------------------------------------------------------------
const SERVER_NAME = 'smtp.capture.test';

const startServer = (serverOpts, sink) =>
  new Promise((resolve, reject) => {
    const server = new SMTPServer({
      name: SERVER_NAME,
      banner: 'capture',
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS', ...(serverOpts.noAuth ? ['AUTH'] : [])],
      allowInsecureAuth: true,
      authOptional: true,
      authMethods: serverOpts.authMethods ?? ['LOGIN', 'PLAIN'],
      hideSMTPUTF8: serverOpts.smtputf8 === false,
      logger: false,
      onAuth(auth, _session, cb) {
        sink.auth = {
          method: auth.method,
          username: auth.username ?? null,
          ...(auth.password !== undefined ? { password: auth.password } : {}),
          ...(auth.accessToken !== undefined ? { accessToken: auth.accessToken } : {}),
        };
        cb(null, { user: auth.username || 'anonymous' });
      },
      onData(stream, session, cb) {
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', () => {
          sink.raw = Buffer.concat(chunks);
          sink.envelope = {
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            mailFromArgs: (session.envelope.mailFrom && session.envelope.mailFrom.args) || {},
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            smtpUtf8: Boolean(session.envelope.smtpUtf8),
          };
          sink.heloName = session.hostNameAppearsAs || null;
          cb(null, 'OK: message queued');
        });
      },
    });
    server.on('error', (err) => {
      sink.serverErrors = sink.serverErrors ?? [];
      sink.serverErrors.push(String(err.message));
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
    server.server.once('error', reject);
  });

// A TCP relay in front of smtp-server that records both directions in order.
const startRelay = (upstreamPort, sink) =>
  new Promise((resolve) => {
    sink.chunks = [];
    sink.connections = 0;
    const relay = net.createServer((client) => {
      sink.connections += 1;
      const upstream = net.connect(upstreamPort, '127.0.0.1');
      client.on('data', (d) => {
        sink.chunks.push(['C', d]);
        upstream.write(d);
      });
      upstream.on('data', (d) => {
        sink.chunks.push(['S', d]);
        client.write(d);
      });
      client.on('end', () => {
        sink.clientEnd = sink.clientEnd ?? 'fin';
        upstream.end();
      });
      client.on('error', (err) => {
        sink.clientEnd = sink.clientEnd ?? `error:${err.code}`;
        upstream.destroy();
      });
      upstream.on('end', () => {
        sink.serverEnd = sink.serverEnd ?? 'fin';
        client.end();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => {
        sink.clientClosed = true;
        sink.onClientClosed?.();
      });
    });
    relay.listen(0, '127.0.0.1', () => resolve(relay));
  });

// Turns the recorded chunks into a transcript. Client bytes after the `DATA` command's
// 354 reply up to and including CRLF.CRLF are the message as sent (dot-stuffed).
const buildTranscript = (chunks) => {
  const transcript = [];
  const commands = [];
  let wire = null;
  let cbuf = '';
  let sbuf = '';
  let inData = false;
  let dataBuf = '';
  let awaiting354 = false;
  for (const [dir, buf] of chunks) {
    const text = buf.toString('latin1');
    if (dir === 'S') {
      sbuf += text;
      let i;
      while ((i = sbuf.indexOf('\r\n')) >= 0) {
        const line = sbuf.slice(0, i);
        sbuf = sbuf.slice(i + 2);
        transcript.push(`S: ${Buffer.from(line, 'latin1').toString('utf8')}`);
        if (awaiting354 && /^354[ -]/.test(line)) {
          awaiting354 = false;
          inData = true;
        }
      }
      continue;
    }
    cbuf += text;
    for (;;) {
      if (inData) {
        dataBuf += cbuf;
        cbuf = '';
        const end = dataBuf.indexOf('\r\n.\r\n');
        const atStart = dataBuf.startsWith('.\r\n'); // empty message
        if (end < 0 && !atStart) break;
        const cut = atStart ? 3 : end + 5;
        wire = Buffer.from(dataBuf.slice(0, cut), 'latin1');
        transcript.push(`C: <message: ${cut} bytes, dot-stuffed, ending CRLF.CRLF>`);
        cbuf = dataBuf.slice(cut);
        dataBuf = '';
        inData = false;
        continue;
      }
      const i = cbuf.indexOf('\r\n');
      if (i < 0) break;
      const line = Buffer.from(cbuf.slice(0, i), 'latin1').toString('utf8');
      cbuf = cbuf.slice(i + 2);
      transcript.push(`C: ${line}`);
      commands.push(line);
      if (/^DATA$/i.test(line)) awaiting354 = true;
    }
  }
  if (cbuf) transcript.push(`C: <unterminated: ${JSON.stringify(cbuf)}>`);
  if (sbuf) transcript.push(`S: <unterminated: ${JSON.stringify(sbuf)}>`);
  return { transcript, commands, wire };
};

const decodeRaw = (buf) => {
  const utf8 = buf.toString('utf8');
  if (Buffer.from(utf8, 'utf8').equals(buf)) return { raw: utf8, raw_encoding: 'utf-8' };
  return { raw: buf.toString('latin1'), raw_encoding: 'latin1' };
};

const withTimeout = (promise, ms, what) =>
  Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout waiting for ${what}`)), ms)),
  ]);

const runCase = async (c) => {
  const sink = {};
  const server = await startServer(c.server ?? {}, sink);
  const relay = await startRelay(server.server.address().port, sink);
  const closed = new Promise((resolve) => {
    sink.onClientClosed = resolve;
  });

  const config = structuredClone(c.config);
  const overridden = {};
  for (const key of ['host', 'port', 'secure', 'tls', 'requireTLS']) {
    if (key in config) overridden[key] = config[key];
  }
  config.host = '127.0.0.1';
  config.port = relay.address().port;
  config.secure = false;
  config.tls = {};
  delete config.requireTLS;

  fakeHostname = c.hostname ?? DEFAULT_FAKE_HOSTNAME;
  frozenMs = c.time_ms;
  const out = { name: c.name };
  try {
    const connector = await createConnector({
      getConfig: async () => config,
      ...(c.i18nTemplate !== undefined ? { getI18nEmailTemplate: async () => c.i18nTemplate ?? undefined } : {}),
    });
    let result;
    let error = null;
    try {
      result = await withTimeout(connector.sendMessage(structuredClone(c.message)), 15000, 'sendMessage');
    } catch (err) {
      error = { code: err.code ?? null, message: String(err.message ?? err), data: err.data ?? null };
    }
    if (sink.connections > 0) await withTimeout(closed, 5000, 'client close').catch(() => {});
    const { transcript, commands, wire } = buildTranscript(sink.chunks);

    out.ok = error === null;
    if (error) out.error = error;
    if (sink.raw) {
      Object.assign(out, decodeRaw(sink.raw));
      out.raw_bytes = sink.raw.length;
      const ids = decodeRaw(sink.raw).raw.match(MESSAGE_ID_RE);
      out.message_id = ids ? ids[0] : null;
      out.headers = headerList(sink.raw);
      out.wire = wire ? decodeRaw(wire).raw : null;
    }
    out.ehlo_name = (commands.find((l) => /^(EHLO|HELO) /i.test(l)) ?? '').replace(/^\S+ /, '') || null;
    out.auth_command = commands.find((l) => /^AUTH /i.test(l)) ?? null;
    out.auth_seen_by_server = sink.auth ?? null;
    out.mail_from = commands.find((l) => /^MAIL FROM:/i.test(l)) ?? null;
    out.rcpt_to = commands.filter((l) => /^RCPT TO:/i.test(l));
    out.envelope = sink.envelope ?? null;
    out.quit = commands.some((l) => /^QUIT$/i.test(l));
    out.client_close = sink.clientEnd ?? (sink.clientClosed ? 'closed' : null);
    out.commands = commands;
    out.transcript = transcript;
    out.config_overridden = overridden;
    if (sink.serverErrors) out.server_errors = sink.serverErrors;
  } finally {
    frozenMs = null;
    fakeHostname = DEFAULT_FAKE_HOSTNAME;
    await new Promise((r) => relay.close(r));
    await new Promise((r) => server.close(r));
  }
  return out;
};

// ---------------------------------------------------------------------------
const input = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
const cases = Array.isArray(input) ? input : input.cases;
const names = new Set();
for (const c of cases) {
  if (!c.name || names.has(c.name)) throw new Error(`case name missing or duplicated: ${c.name}`);
  names.add(c.name);
  if (typeof c.time_ms !== 'number') throw new Error(`case ${c.name}: time_ms must be a number`);
}

const results = [];
for (const c of cases) {
  const r = await runCase(c);
  results.push(r);
  console.error(`${r.ok ? 'ok  ' : 'FAIL'} ${c.name}${r.ok ? '' : `: ${r.error.code} ${r.error.message}`}`);
}

const output = asciiJson({
    comment:
      'Generated by tests/interop/smtp/capture-official.mjs from cases.json; do not edit. raw/wire are the DATA bytes decoded as UTF-8 (raw_encoding says so); only Message-ID values differ between runs.',
    versions,
    server: { name: SERVER_NAME, greeting: `220 ${SERVER_NAME} ESMTP capture` },
    cases: results,
  });
fs.writeFileSync(outFile, output);
if (checkFile) {
  const strip = (text) => {
    const o = JSON.parse(maskMessageId(text));
    delete o.versions.node; // informative only
    return JSON.stringify(o);
  };
  if (strip(output) !== strip(fs.readFileSync(checkFile, 'utf8'))) {
    console.error(`capture-official: ${outFile} differs from ${checkFile} (Message-ID masked)`);
    process.exit(1);
  }
  console.error(`capture-official: matches ${checkFile} (Message-ID masked)`);
}
// smtp-server keeps no handles after close, but be explicit.
process.exit(0);
