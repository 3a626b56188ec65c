/** Output: one JSON document on stdout for `--format json`, aligned text tables otherwise. */
import type { Format } from "./exit-codes.js";
export type { Format };

export function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

export function table(headers: string[], rows: Array<Array<unknown>>): string {
  const cells = rows.map((r) => r.map(cell));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (Array.isArray(v)) return v.length > 3 ? `${v.slice(0, 3).join(',')},…(${v.length})` : v.join(',');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return String(v);
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}
