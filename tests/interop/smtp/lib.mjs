// Helpers shared by server.mjs, capture-official.mjs and selftest.mjs.

/**
 * Header block of a raw RFC 5322 message as an ordered list of [name, rawValue].
 * name is spelled as on the wire; rawValue is everything after the colon with the
 * leading SP/HTAB run removed, folding (CRLF + WSP) kept verbatim, no trailing CRLF.
 * The header block ends at the first empty line. Bytes are decoded as UTF-8.
 */
export const headerList = (raw) => {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
  const end = text.search(/\r?\n\r?\n/);
  const block = end < 0 ? text : text.slice(0, end);
  const fields = [];
  for (const line of block.split(/(?<=\n)/)) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  return fields
    .map((f) => f.replace(/\r?\n$/, ''))
    .filter((f) => f.length)
    .map((f) => {
      const colon = f.indexOf(':');
      if (colon < 0) return [f, null];
      return [f.slice(0, colon), f.slice(colon + 1).replace(/^[ \t]+/, '')];
    });
};

/** Message-ID as nodemailer generates it (UUID-like hex, then @domain). */
export const MESSAGE_ID_RE = /<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@[^>\r\n]*>/g;

/** Replace every nodemailer Message-ID value with <MESSAGE-ID@domain>. */
export const maskMessageId = (s) =>
  s.replace(MESSAGE_ID_RE, (m) => `<MESSAGE-ID@${m.slice(m.indexOf('@') + 1, -1)}>`);

/** JSON with every non-ASCII character escaped as \uXXXX, so files are pure ASCII. */
export const asciiJson = (value) =>
  `${JSON.stringify(value, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
