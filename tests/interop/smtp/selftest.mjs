#!/usr/bin/env node
// Self-test of server.mjs (and make-certs.sh): starts the server in every mode with
// freshly generated certificates, talks to it with nodemailer (the client the official
// connector uses) and with a hand-written raw client, and checks the maildir output.
//
//   node selftest.mjs [--keep]      exit status 0 = all passed
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import nodemailer from 'nodemailer';

const here = path.dirname(fileURLToPath(import.meta.url));
const keep = process.argv.includes('--keep');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'logto-smtp-selftest-'));
const certs = path.join(work, 'certs');
execFileSync('bash', [path.join(here, 'make-certs.sh'), certs], { stdio: ['ignore', 'ignore', 'inherit'] });
const ca = fs.readFileSync(path.join(certs, 'ca.pem'));

const USER = 'smtp-user@example.com';
const PASS = 'smtp-p@ss w0rd';
const TOKEN = 'ya29.selftest-token';

let failures = 0;
let passes = 0;
const check = (cond, what) => {
  if (cond) {
    passes += 1;
  } else {
    failures += 1;
    console.error(`  FAIL: ${what}`);
  }
};

let serverCount = 0;
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL'); // only servers this run started and that are still up
});
const startServer = (args) =>
  new Promise((resolve, reject) => {
    const maildir = path.join(work, `maildir-${++serverCount}`);
    const readyFile = path.join(work, `ready-${serverCount}.json`);
    const child = spawn(
      process.execPath,
      [path.join(here, 'server.mjs'), '--port', '0', '--maildir', maildir, '--ready-file', readyFile, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.add(child);
    child.once('exit', () => children.delete(child));
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const rl = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`server did not get ready: ${stderr}`)), 10000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      const ready = JSON.parse(line);
      const fromFile = JSON.parse(fs.readFileSync(readyFile, 'utf8'));
      check(ready.ready === true && Number.isInteger(ready.port) && ready.port > 0, `ready line ${line}`);
      check(JSON.stringify(Object.keys(ready)) === '["ready","port"]', `ready line has exactly ready,port: ${line}`);
      check(fromFile.port === ready.port, 'ready-file matches stdout');
      resolve({
        port: ready.port,
        maildir,
        child,
        stderr: () => stderr,
        stop: () =>
          new Promise((res) => {
            child.once('exit', (code, signal) => res({ code, signal }));
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${stderr}`)));
  });

const readMessage = (maildir, n) => ({
  eml: fs.readFileSync(path.join(maildir, `${n}.eml`)),
  json: JSON.parse(fs.readFileSync(path.join(maildir, `${n}.json`), 'utf8')),
});

const waitFor = async (pred, ms = 3000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return pred();
};

const send = (transportOptions, mail = {}) =>
  nodemailer.createTransport({ host: '127.0.0.1', name: 'selftest.client.test', ...transportOptions }).sendMail({
    from: 'Logto Team <noreply@example.com>',
    to: 'user@example.com',
    subject: 'Selftest Bestätigung',
    text: 'Code 123456\n.leading dot line\nGrüße',
    ...mail,
  });

const scenario = async (name, fn) => {
  console.log(`- ${name}`);
  try {
    await fn();
  } catch (err) {
    failures += 1;
    console.error(`  FAIL: ${name}: ${err.stack || err}`);
  }
};

// ---------------------------------------------------------------------------
const commonChecks = (msg, { method, secure, upgraded }) => {
  const { eml, json } = msg;
  check(json.auth && json.auth.method === method && json.auth.user === USER, `auth ${method}: ${JSON.stringify(json.auth)}`);
  check(json.connection.secure === secure, `secure=${secure}`);
  check(json.connection.upgraded === upgraded, `upgraded=${upgraded}`);
  check(json.connection.heloName === 'selftest.client.test', `heloName ${json.connection.heloName}`);
  check(json.envelope.mailFrom === 'noreply@example.com', `mailFrom ${json.envelope.mailFrom}`);
  check(JSON.stringify(json.envelope.rcptTo) === '["user@example.com"]', 'rcptTo');
  check(json.parsed.subject === 'Selftest Bestätigung', `parsed subject ${json.parsed.subject}`);
  check(json.parsed.from.value[0].name === 'Logto Team', 'parsed from name');
  check(json.parsed.text === 'Code 123456\n.leading dot line\nGrüße\n' || json.parsed.text === 'Code 123456\n.leading dot line\nGrüße', `parsed text ${JSON.stringify(json.parsed.text)}`);
  check(json.parsed.headers[0][0] === 'From' && json.parsed.headers.at(-1)[0] === 'Content-Type', 'header order From..Content-Type');
  check(eml.length === json.bytes, '.eml length = bytes');
  check(eml.includes(Buffer.from('\r\n\r\n')) && !eml.includes(Buffer.from('\n.\n')), '.eml has CRLF');
  check(eml.slice(-2).toString() === '\r\n' && !eml.toString().endsWith('\r\n.\r\n'), '.eml ends with CRLF and no terminator');
};

await scenario('plain mode, no STARTTLS, AUTH PLAIN (nodemailer)', async () => {
  const s = await startServer(['--mode', 'plain', '--no-starttls', '--auth', 'PLAIN,LOGIN,XOAUTH2', '--user', USER, '--pass', PASS, '--token', TOKEN]);
  const info = await send({ port: s.port, auth: { user: USER, pass: PASS } });
  check(info.response.startsWith('250'), `response ${info.response}`);
  check(!info.ehlo.includes('STARTTLS'), `STARTTLS not advertised: ${info.ehlo}`);
  check(info.ehlo.includes('AUTH PLAIN LOGIN XOAUTH2'), `AUTH advertised: ${info.ehlo}`);
  const m = readMessage(s.maildir, 1);
  commonChecks(m, { method: 'PLAIN', secure: false, upgraded: false });
  check(m.json.commands.includes(`AUTH PLAIN ${Buffer.from(`\0${USER}\0${PASS}`).toString('base64')}`), 'AUTH PLAIN line recorded unredacted');
  check(await waitFor(() => fs.existsSync(path.join(s.maildir, 'conn-1.json'))), 'conn-1.json written');
  const conn = JSON.parse(fs.readFileSync(path.join(s.maildir, 'conn-1.json'), 'utf8'));
  check(conn.quit === false, 'nodemailer sends no QUIT');
  check(conn.transcript[0].startsWith('S: 220 '), 'transcript starts with greeting');
  const r = await s.stop();
  check(r.code === 0, `SIGTERM exit code ${JSON.stringify(r)}`);
});

await scenario('plain mode, AUTH LOGIN only', async () => {
  const s = await startServer(['--mode', 'plain', '--no-starttls', '--auth', 'LOGIN', '--user', USER, '--pass', PASS]);
  await send({ port: s.port, auth: { user: USER, pass: PASS } });
  const m = readMessage(s.maildir, 1);
  commonChecks(m, { method: 'LOGIN', secure: false, upgraded: false });
  check(m.json.commands.slice(1, 4).join('|') === `AUTH LOGIN|${Buffer.from(USER).toString('base64')}|${Buffer.from(PASS).toString('base64')}`, `LOGIN exchange ${m.json.commands}`);
  await s.stop();
});

await scenario('plain mode, XOAUTH2', async () => {
  const s = await startServer(['--mode', 'plain', '--no-starttls', '--auth', 'XOAUTH2', '--user', USER, '--token', TOKEN]);
  await send({ port: s.port, auth: { type: 'OAuth2', user: USER, accessToken: TOKEN } });
  commonChecks(readMessage(s.maildir, 1), { method: 'XOAUTH2', secure: false, upgraded: false });
  let err = null;
  try {
    await send({ port: s.port, auth: { type: 'OAuth2', user: USER, accessToken: 'wrong-token' } });
  } catch (e) {
    err = e;
  }
  check(err && /535 5\.7\.8 Authentication failed/.test(err.response || err.message), `XOAUTH2 rejection: ${err && (err.response || err.message)}`);
  await s.stop();
});

await scenario('plain mode, wrong password -> 535 5.7.8', async () => {
  const s = await startServer(['--mode', 'plain', '--no-starttls', '--auth', 'PLAIN,LOGIN', '--user', USER, '--pass', PASS]);
  for (const authMethod of ['PLAIN', 'LOGIN']) {
    let err = null;
    try {
      await send({ port: s.port, authMethod, auth: { user: USER, pass: 'nope' } });
    } catch (e) {
      err = e;
    }
    check(err && err.response === '535 5.7.8 Authentication failed', `${authMethod} rejection: ${err && (err.response || err.message)}`);
  }
  check(!fs.existsSync(path.join(s.maildir, '1.eml')), 'nothing delivered');
  let err = null;
  try {
    await send({ port: s.port }); // no credentials: MAIL FROM must be refused
  } catch (e) {
    err = e;
  }
  check(err && /^530 /.test(err.response || ''), `unauthenticated MAIL refused: ${err && (err.response || err.message)}`);
  await s.stop();
});

await scenario('plain mode advertises STARTTLS unless --no-starttls', async () => {
  const s = await startServer(['--mode', 'plain', '--cert', path.join(certs, 'server.pem'), '--key', path.join(certs, 'server-key.pem')]);
  const info = await send({ port: s.port, tls: { ca, servername: 'localhost' } });
  check(info.ehlo.includes('STARTTLS') === false, 'second EHLO (after upgrade) lists no STARTTLS');
  const m = readMessage(s.maildir, 1);
  check(m.json.connection.upgraded === true && m.json.auth === null, 'upgraded, no auth (AUTH not offered)');
  check(m.json.commands.includes('STARTTLS') && !m.json.commands.some((c) => c.startsWith('AUTH')), 'STARTTLS used, no AUTH');
  await s.stop();
});

await scenario('starttls mode, AUTH PLAIN after upgrade (CA-verified, SNI localhost)', async () => {
  const s = await startServer(['--mode', 'starttls', '--cert', path.join(certs, 'server.pem'), '--key', path.join(certs, 'server-key.pem'), '--auth', 'PLAIN,LOGIN,XOAUTH2', '--user', USER, '--pass', PASS, '--token', TOKEN]);
  const info = await send({ port: s.port, auth: { user: USER, pass: PASS }, requireTLS: true, tls: { ca, servername: 'localhost' } });
  check(info.response.startsWith('250'), 'delivered');
  const m = readMessage(s.maildir, 1);
  commonChecks(m, { method: 'PLAIN', secure: true, upgraded: true });
  check(m.json.connection.servername === 'localhost', `SNI ${m.json.connection.servername}`);
  check(m.json.commands.join('|').startsWith('EHLO selftest.client.test|STARTTLS|EHLO selftest.client.test|AUTH PLAIN '), `command order ${m.json.commands}`);
  // verification by IP SAN (node checks IP:127.0.0.1 when host is an IP and no servername)
  await send({ port: s.port, auth: { type: 'OAuth2', user: USER, accessToken: TOKEN }, tls: { ca } });
  commonChecks(readMessage(s.maildir, 2), { method: 'XOAUTH2', secure: true, upgraded: true });
  // AUTH before STARTTLS is refused in this mode
  let err = null;
  try {
    await send({ port: s.port, ignoreTLS: true, auth: { user: USER, pass: PASS } });
  } catch (e) {
    err = e;
  }
  check(err && /^538 /.test(err.response || ''), `AUTH before STARTTLS refused: ${err && (err.response || err.message)}`);
  await s.stop();
});

await scenario('starttls mode with the wrong-host certificate fails verification', async () => {
  const s = await startServer(['--mode', 'starttls', '--cert', path.join(certs, 'wrong.pem'), '--key', path.join(certs, 'wrong-key.pem'), '--auth', 'PLAIN', '--user', USER, '--pass', PASS]);
  let err = null;
  try {
    await send({ port: s.port, auth: { user: USER, pass: PASS }, tls: { ca, servername: 'localhost' } });
  } catch (e) {
    err = e;
  }
  check(err && /ERR_TLS_CERT_ALTNAME_INVALID|does not match/.test(`${err.code} ${err.message}`), `hostname mismatch: ${err && `${err.code} ${err.message}`}`);
  // the same certificate is fine for its own name
  await send({ port: s.port, auth: { user: USER, pass: PASS }, tls: { ca, servername: 'wrong.example' } });
  check(fs.existsSync(path.join(s.maildir, '1.eml')), 'wrong.pem accepted for servername wrong.example');
  await s.stop();
});

await scenario('implicit TLS mode, AUTH LOGIN', async () => {
  const s = await startServer(['--mode', 'implicit', '--cert', path.join(certs, 'server.pem'), '--key', path.join(certs, 'server-key.pem'), '--auth', 'PLAIN,LOGIN', '--user', USER, '--pass', PASS]);
  await send({ port: s.port, secure: true, authMethod: 'LOGIN', auth: { user: USER, pass: PASS }, tls: { ca, servername: 'localhost' } });
  const m = readMessage(s.maildir, 1);
  commonChecks(m, { method: 'LOGIN', secure: true, upgraded: false });
  check(!m.json.commands.includes('STARTTLS'), 'no STARTTLS');
  check(m.json.connection.tls && /^TLSv1\.[23]$/.test(m.json.connection.tls.version), `tls ${JSON.stringify(m.json.connection.tls)}`);
  // untrusted CA
  let err = null;
  try {
    await send({ port: s.port, secure: true, auth: { user: USER, pass: PASS }, tls: { ca: fs.readFileSync(path.join(certs, 'other-ca.pem')), servername: 'localhost' } });
  } catch (e) {
    err = e;
  }
  check(err && /UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify|self.signed/i.test(`${err.code} ${err.message}`), `unknown CA: ${err && `${err.code} ${err.message}`}`);
  await s.stop();
});

await scenario('--smtputf8 and a UTF-8 recipient', async () => {
  const s = await startServer(['--mode', 'plain', '--no-starttls', '--smtputf8']);
  const info = await send({ port: s.port }, { to: '用户@example.com' });
  check(info.ehlo.includes('SMTPUTF8'), 'SMTPUTF8 advertised');
  const m = readMessage(s.maildir, 1);
  check(m.json.envelope.smtpUtf8 === true, 'envelope.smtpUtf8');
  check(m.json.envelope.rcptTo[0] === '用户@example.com', `rcpt ${m.json.envelope.rcptTo}`);
  check(m.json.commands.includes('MAIL FROM:<noreply@example.com> SMTPUTF8'), `MAIL FROM line ${m.json.commands}`);
  check(m.json.auth === null, 'no auth');
  await s.stop();
  const s2 = await startServer(['--mode', 'plain', '--no-starttls']);
  const info2 = await send({ port: s2.port });
  check(!info2.ehlo.includes('SMTPUTF8'), 'SMTPUTF8 hidden by default');
  await s2.stop();
});

// Raw client: exact bytes, dot-unstuffing, QUIT, pipelined commands.
const rawSession = (port, script) =>
  new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const replies = [];
    let step = 0;
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      // a complete reply ends with "NNN " line
      for (;;) {
        const m = buf.match(/^(?:\d{3}-[^\r\n]*\r\n)*\d{3} [^\r\n]*\r\n/);
        if (!m) break;
        replies.push(m[0]);
        buf = buf.slice(m[0].length);
        if (step < script.length) sock.write(script[step++]);
      }
    });
    sock.on('close', () => resolve(replies));
    sock.on('error', reject);
  });

await scenario('raw client: exact bytes, dot-unstuffing, QUIT', async () => {
  const s = await startServer(['--mode', 'plain', '--no-starttls', '--auth', 'PLAIN', '--user', USER, '--pass', PASS]);
  const body =
    'From: a@example.com\r\nTo: b@example.com\r\nSubject: raw\r\n\r\n.starts with dot\r\n..two\r\nmiddle\r\n.\r\nend\r\n';
  const stuffed = body.replace(/^\./gm, '..');
  const replies = await rawSession(s.port, [
    'EHLO raw.client.test\r\n',
    `AUTH PLAIN ${Buffer.from(`\0${USER}\0${PASS}`).toString('base64')}\r\n`,
    'MAIL FROM:<a@example.com>\r\n',
    'RCPT TO:<b@example.com>\r\n',
    'DATA\r\n',
    `${stuffed}.\r\n`,
    'QUIT\r\n',
  ]);
  const codes = replies.map((r) => r.split('\r\n').at(-2).slice(0, 3)).join(',');
  check(codes === '220,250,235,250,250,354,250,221', `reply codes ${codes}`);
  const m = readMessage(s.maildir, 1);
  check(m.eml.toString('utf8') === body, `.eml is the unstuffed DATA: ${JSON.stringify(m.eml.toString())}`);
  check(m.json.parsed.text === '.starts with dot\n..two\nmiddle\n.\nend\n', `text ${JSON.stringify(m.json.parsed.text)}`);
  check(m.json.connection.heloName === 'raw.client.test', 'helo');
  check(await waitFor(() => fs.existsSync(path.join(s.maildir, 'conn-1.json'))), 'conn log');
  const conn = JSON.parse(fs.readFileSync(path.join(s.maildir, 'conn-1.json'), 'utf8'));
  check(conn.quit === true && conn.transcript.at(-1) === 'S: 221 Bye', `QUIT seen: ${conn.transcript.slice(-2)}`);
  await s.stop();
});

await scenario('raw client: no AUTH advertised when --auth is empty', async () => {
  const s = await startServer(['--mode', 'plain', '--no-starttls']);
  const replies = await rawSession(s.port, ['EHLO raw.client.test\r\n', 'AUTH PLAIN AGEAYg==\r\n', 'QUIT\r\n']);
  check(!/AUTH/.test(replies[1]), `EHLO without AUTH: ${JSON.stringify(replies[1])}`);
  check(/^500 /.test(replies[2]), `AUTH refused: ${JSON.stringify(replies[2])}`);
  await s.stop();
});

if (!keep) fs.rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
console.log(`${passes} checks passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
