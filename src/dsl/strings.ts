/** String literals: `"…"` with escapes \" \\ \n \t \r \u{HEX} \uHHHH. */

export type Unescaped = { value: string } | { error: string; at: number };

const SIMPLE: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', '0': '\0' };

/** Value of a quoted literal (quotes included in `raw`); `at` is the bad escape's index in `raw`. */
export function unescapeString(raw: string): Unescaped {
  const body = raw.slice(1, -1);
  if (!body.includes('\\')) return { value: body };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1] ?? '';
    if (SIMPLE[next] !== undefined) {
      out += SIMPLE[next];
      i++;
      continue;
    }
    if (next === 'u') {
      const m = /^u\{([0-9a-fA-F]{1,6})\}|^u([0-9a-fA-F]{4})/.exec(body.slice(i + 1));
      const hex = m?.[1] ?? m?.[2];
      const code = hex !== undefined ? Number.parseInt(hex, 16) : Number.NaN;
      if (m && code <= 0x10ffff) {
        out += String.fromCodePoint(code);
        i += m[0].length;
        continue;
      }
      return { error: 'invalid unicode escape: use `\\u{1F600}` or `\\u00e9`', at: i + 1 };
    }
    return { error: `unknown escape \`\\${next}\`: use \\" \\\\ \\n \\t \\r or \\u{…}`, at: i + 1 };
  }
  return { value: out };
}

/** A quoted literal that unescapes back to `value`. */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f || (code >= 0x2028 && code <= 0x2029)) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}
