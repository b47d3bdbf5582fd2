#!/usr/bin/env node
// Real SMTP peer for logto-cpp's SMTP interop tests (smtp-server 3.21.6, mailparser 3.14.2).
// Loopback only. See README.md in this folder for the CLI and the maildir format.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import SASL from 'smtp-server/lib/sasl.js';
import { simpleParser } from 'mailparser';

import { headerList } from './lib.mjs';

const usage = `usage: server.mjs --maildir DIR [--port 0] [--host 127.0.0.1]
       [--mode plain|starttls|implicit] [--cert FILE --key FILE] [--client-ca FILE]
       [--auth PLAIN,LOGIN,XOAUTH2] [--user U --pass P] [--token T] [--auth-optional]
       [--allow-insecure-auth] [--no-starttls] [--smtputf8] [--size N]
       [--name HOST] [--ready-file PATH] [--verbose]`;

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      mode: { type: 'string', default: 'plain' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'client-ca': { type: 'string' },
      auth: { type: 'string', default: '' },
      user: { type: 'string' },
      pass: { type: 'string' },
      token: { type: 'string' },
      'auth-optional': { type: 'boolean', default: false },
      'allow-insecure-auth': { type: 'boolean', default: false },
      'no-starttls': { type: 'boolean', default: false },
      smtputf8: { type: 'boolean', default: false },
      size: { type: 'string' },
      name: { type: 'string', default: 'smtp.interop.test' },
      maildir: { type: 'string' },
      'ready-file': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (error) {
  console.error(String(error.message ?? error));
  console.error(usage);
  process.exit(2);
}
if (opts.help) {
  console.log(usage);
  process.exit(0);
}
const fail = (message) => {
  console.error(`server.mjs: ${message}`);
  console.error(usage);
  process.exit(2);
};
if (!['plain', 'starttls', 'implicit'].includes(opts.mode)) fail(`bad --mode ${opts.mode}`);
if (!opts.maildir) fail('--maildir is required');
if ((opts.mode !== 'plain' || opts.cert || opts.key) && !(opts.cert && opts.key)) {
  fail(`--mode ${opts.mode} needs --cert and --key`);
}
const authMethods = opts.auth
  .split(',')
  .map((m) => m.trim().toUpperCase())
  .filter(Boolean);
for (const m of authMethods) {
  if (!['PLAIN', 'LOGIN', 'XOAUTH2', 'CRAM-MD5'].includes(m)) fail(`unsupported auth method ${m}`);
}

const maildir = path.resolve(opts.maildir);
fs.mkdirSync(maildir, { recursive: true });

const verbose = (...args) => {
  if (opts.verbose) console.error('[smtp]', ...args);
};

// ---------------------------------------------------------------------------
// Per-connection transcript. Client lines are recorded unredacted (these are test
// credentials), server lines exactly as written, both in wire order.
const transcripts = new Map(); // session id -> { lines: [], quit: false, ... }
const transcriptOf = (id) => {
  let t = transcripts.get(id);
  if (!t) {
    t = { lines: [], quit: false, authAttempts: [] };
    transcripts.set(id, t);
  }
  return t;
};

const originalOnCommand = SMTPConnection.prototype._onCommand;
SMTPConnection.prototype._onCommand = function patchedOnCommand(command, callback) {
  const line = Buffer.isBuffer(command) ? command.toString('utf8') : String(command ?? '');
  const t = transcriptOf(this.id);
  t.lines.push(`C: ${line}`);
  if (/^QUIT\b/i.test(line) && !this._nextHandler) t.quit = true;
  return originalOnCommand.call(this, command, callback);
};

// smtp-server answers a failed XOAUTH2 exchange (after the client's empty line that
// follows the 334 error challenge) with a fixed text; make it match PLAIN/LOGIN.
SASL.XOAUTH2_error = function xoauth2Error(_data, callback) {
  this.send(535, '5.7.8 Authentication failed');
  return callback();
};

const logger = {};
for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) {
  logger[level] = (entry, message, ...args) => {
    if (entry && entry.tnx === 'send' && entry.cid) {
      const payload = String(args[0] ?? '');
      for (const l of payload.split('\r\n')) transcriptOf(entry.cid).lines.push(`S: ${l}`);
    }
    if (opts.verbose && level !== 'trace') {
      const text = [message, ...args].map(String).join(' ');
      console.error(`[smtp ${level}] ${entry?.cid ?? ''} ${text}`);
    }
  };
}

// ---------------------------------------------------------------------------
let seq = 0;
let connSeq = 0;
const writeAtomic = (file, data) => {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
};
const toJson = (value) => `${JSON.stringify(value, null, 2)}\n`;

const addressView = (a) => (a ? { value: a.value, text: a.text } : null);

const sessionView = (session) => ({
  id: session.id,
  remoteAddress: session.remoteAddress,
  heloName: session.hostNameAppearsAs || null,
  openingCommand: session.openingCommand || null,
  secure: Boolean(session.secure),
  upgraded: Boolean(session.secure) && opts.mode !== 'implicit',
  tls: session.tlsOptions || null,
  servername: session.servername || null,
  transmissionType: session.transmissionType || null,
});

const serverOptions = {
  name: opts.name,
  banner: 'logto-cpp interop',
  logger,
  disableReverseLookup: true,
  secure: opts.mode === 'implicit',
  authMethods: authMethods.length ? authMethods : ['PLAIN'], // placeholder, AUTH disabled below
  authOptional: opts['auth-optional'] || authMethods.length === 0,
  allowInsecureAuth: opts.mode === 'plain' || opts['allow-insecure-auth'],
  hideSMTPUTF8: !opts.smtputf8,
  disabledCommands: [
    ...(authMethods.length === 0 ? ['AUTH'] : []),
    ...(opts.mode === 'implicit' || (opts.mode === 'plain' && opts['no-starttls']) ? ['STARTTLS'] : []),
  ],
  ...(opts.size ? { size: Number(opts.size) } : {}),
  ...(opts.cert ? { cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key) } : {}),
  // --client-ca: the TLS handshake requires a client certificate signed by this CA
  ...(opts['client-ca'] ? { requestCert: true, rejectUnauthorized: true, ca: [fs.readFileSync(opts['client-ca'])] } : {}),

  onConnect(session, callback) {
    transcriptOf(session.id).conn = ++connSeq;
    callback();
  },

  onAuth(auth, session, callback) {
    const t = transcriptOf(session.id);
    let ok = false;
    if (auth.method === 'PLAIN' || auth.method === 'LOGIN') {
      ok = opts.user !== undefined && auth.username === opts.user && auth.password === opts.pass;
    } else if (auth.method === 'XOAUTH2') {
      ok = opts.user !== undefined && opts.token !== undefined && auth.username === opts.user && auth.accessToken === opts.token;
    } else if (auth.method === 'CRAM-MD5') {
      ok = opts.user !== undefined && auth.username === opts.user && auth.validatePassword(opts.pass ?? '');
    }
    t.authAttempts.push({ method: auth.method, username: auth.username ?? null, ok });
    verbose('auth', auth.method, auth.username, ok ? 'ok' : 'rejected');
    if (ok) return callback(null, { user: { username: auth.username, method: auth.method } });
    if (auth.method === 'XOAUTH2') {
      // Gmail-style: 334 <base64 JSON error>, the client answers with an empty line, then 535.
      return callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } });
    }
    const err = new Error('5.7.8 Authentication failed');
    err.responseCode = 535;
    return callback(err);
  },

  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('error', (err) => callback(err));
    stream.on('end', async () => {
      try {
        const raw = Buffer.concat(chunks);
        const n = ++seq;
        const t = transcriptOf(session.id);
        const parsed = await simpleParser(raw, {
          skipHtmlToText: true,
          skipTextToHtml: true,
          skipImageLinks: true,
          skipTextLinks: true,
        });
        const env = session.envelope;
        const record = {
          seq: n,
          bytes: raw.length,
          envelope: {
            mailFrom: env.mailFrom ? env.mailFrom.address : null,
            mailFromArgs: env.mailFrom ? env.mailFrom.args || {} : {},
            rcptTo: env.rcptTo.map((r) => r.address),
            rcptToArgs: env.rcptTo.map((r) => r.args || {}),
            smtpUtf8: Boolean(env.smtpUtf8),
            bodyType: env.bodyType ?? null,
          },
          auth: session.user ? { user: session.user.username, method: session.user.method } : null,
          authAttempts: t.authAttempts,
          connection: { seq: t.conn ?? null, ...sessionView(session) },
          commands: t.lines.filter((l) => l.startsWith('C: ')).map((l) => l.slice(3)),
          parsed: {
            subject: parsed.subject ?? null,
            from: addressView(parsed.from),
            to: addressView(parsed.to),
            replyTo: addressView(parsed.replyTo),
            messageId: parsed.messageId ?? null,
            date: parsed.date ? parsed.date.toISOString() : null,
            text: parsed.text ?? null,
            html: typeof parsed.html === 'string' ? parsed.html : null,
            headers: headerList(raw),
          },
        };
        writeAtomic(path.join(maildir, `${n}.eml`), raw);
        writeAtomic(path.join(maildir, `${n}.json`), toJson(record));
        verbose('stored message', n, raw.length, 'bytes');
        callback(null, `OK: message ${n} stored`);
      } catch (err) {
        console.error('server.mjs: failed to store message:', err);
        callback(err);
      }
    });
  },

  onClose(session) {
    const t = transcripts.get(session.id);
    if (!t) return;
    transcripts.delete(session.id);
    const record = {
      conn: t.conn ?? null,
      ...sessionView(session),
      auth: session.user ? { user: session.user.username, method: session.user.method } : null,
      authAttempts: t.authAttempts,
      quit: t.quit,
      transcript: t.lines,
    };
    try {
      writeAtomic(path.join(maildir, `conn-${t.conn ?? `x${session.id}`}.json`), toJson(record));
    } catch (err) {
      console.error('server.mjs: failed to write connection log:', err);
    }
  },
};

const server = new SMTPServer(serverOptions);
server.on('error', (err) => {
  // per-connection errors (TLS handshake failures, resets) land here; keep serving
  console.error('server.mjs: error:', err.code ?? '', err.message);
});

const shutdown = (signal) => {
  verbose('got', signal, 'shutting down');
  const timer = setTimeout(() => process.exit(0), 1000);
  timer.unref();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${opts.port}`);
server.listen(port, opts.host, () => {
  const actual = server.server.address().port;
  const line = JSON.stringify({ ready: true, port: actual });
  if (opts['ready-file']) writeAtomic(path.resolve(opts['ready-file']), `${line}\n`);
  process.stdout.write(`${line}\n`);
});
