/** RFC 4180 CSV: a header row, then one row per record; fields with commas, quotes or newlines quoted. */
export function toCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): Buffer {
  const field = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return Buffer.from([headers, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n', 'utf8');
}
