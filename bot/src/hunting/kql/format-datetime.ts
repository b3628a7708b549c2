/** format_datetime(): the .NET-style specifiers Kusto documents (y, M, d, H, h, m, s, f, tt, and separators). */
export function formatDatetime(d: Date, format: string): string {
  const parts: Record<string, (n: number) => string> = {
    y: (n) => String(d.getUTCFullYear() % 10 ** Math.max(2, n)).padStart(n, '0'),
    M: (n) => String(d.getUTCMonth() + 1).padStart(n, '0'),
    d: (n) => String(d.getUTCDate()).padStart(n, '0'),
    H: (n) => String(d.getUTCHours()).padStart(n, '0'),
    h: (n) => String(d.getUTCHours() % 12 || 12).padStart(n, '0'),
    m: (n) => String(d.getUTCMinutes()).padStart(n, '0'),
    s: (n) => String(d.getUTCSeconds()).padStart(n, '0'),
    f: (n) => String(d.getUTCMilliseconds()).padStart(3, '0').padEnd(n, '0').slice(0, n),
    F: (n) => String(d.getUTCMilliseconds()).padStart(3, '0').padEnd(n, '0').slice(0, n).replace(/0+$/, ''),
    t: (n) => (d.getUTCHours() < 12 ? 'AM' : 'PM').slice(0, n),
  };
  let out = '';
  for (let i = 0; i < format.length;) {
    const c = format[i] as string;
    let n = 1;
    while (format[i + n] === c) n += 1;
    const part = parts[c];
    if (part) {
      out += c === 'y' && n >= 4 ? String(d.getUTCFullYear()).padStart(n, '0') : part(n);
    } else {
      out += format.slice(i, i + n);
    }
    i += n;
  }
  return out;
}
