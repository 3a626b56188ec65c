/**
 * Golden files and an independent syntax check for the SQL the Snowflake and BigQuery connectors emit.
 *
 * The check parses with node-sql-parser in `snowflake` / `bigquery` mode. That parser lacks some valid vendor
 * constructs; for each one a named, meaning-free rewrite below removes or replaces exactly that construct (outside
 * quoted text) so the REST of the statement is still parsed. Tests assert which rewrites a statement needed, and
 * the connector READMEs list them. Nothing else is changed before parsing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sqlParser from 'node-sql-parser';

export type Vendor = 'snowflake' | 'bigquery';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const parser = new sqlParser.Parser();

interface Rewrite {
  name: string;
  apply(masked: string): string;
}

const re = (name: string, pattern: RegExp, to: string): Rewrite => ({ name, apply: (s) => s.replace(pattern, to) });

/** Constructs node-sql-parser 5.x rejects although the vendor documents them. */
export const REWRITES: Record<Vendor, Rewrite[]> = {
  snowflake: [
    re('EXPLAIN USING JSON prefix', /^EXPLAIN USING JSON /, ''),
    { name: 'WITHIN GROUP (ORDER BY …) of LISTAGG/ARRAY_AGG', apply: (s) => dropGroup(s, /\s*WITHIN GROUP \(/g) },
    re('IS NOT DISTINCT FROM → =', /\bIS NOT DISTINCT FROM\b/g, '='),
    re('TABLESAMPLE after a derived table', /(\)\s+AS\s+\w+)\s+TABLESAMPLE BERNOULLI \([^()]*\)/g, '$1'),
  ],
  bigquery: [
    { name: 'ORDER BY inside STRING_AGG/ARRAY_AGG', apply: (s) => dropAggregateOrder(s) },
    re('bitwise operators >> & | ^ → +', /\s(>>|&|\||\^)\s/g, ' + '),
    re('IS NOT DISTINCT FROM → =', /\bIS NOT DISTINCT FROM\b/g, '='),
    re('TABLESAMPLE SYSTEM (p PERCENT)', /\s+TABLESAMPLE SYSTEM \([^()]*\)/g, ''),
    re('BIGNUMERIC → NUMERIC', /\bBIGNUMERIC\b/g, 'NUMERIC'),
    re('NULLS LAST in a window ORDER BY', /\s+NULLS LAST\b/g, ''),
  ],
};

/** Parses `sql` as `vendor` after the rewrites; returns the names of the rewrites that changed something. */
export function parseCheck(sql: string, vendor: Vendor): string[] {
  const { masked, unmask, doubledQuotes } = mask(sql, vendor);
  let s = masked;
  // node-sql-parser rejects a quoted identifier holding two escaped quotes ("a ""b"" c"); the escaping itself is
  // pinned by the golden text, so for parsing each "" inside an identifier becomes _.
  const used: string[] = doubledQuotes ? ['"" inside a quoted identifier → _'] : [];
  for (const r of REWRITES[vendor]) {
    const next = r.apply(s);
    if (next !== s) used.push(r.name);
    s = next;
  }
  parser.astify(unmask(s), { database: vendor });
  return used;
}

/** Compares with the committed golden file; `UPDATE_GOLDEN=1` rewrites it instead. */
export function golden(vendor: Vendor, name: string, sql: string): string {
  const file = join(FIXTURES, vendor, 'golden', `${name}.sql`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${sql}\n`);
  }
  if (!existsSync(file)) throw new Error(`missing golden file ${file} (run with UPDATE_GOLDEN=1)`);
  return readFileSync(file, 'utf8').replace(/\n$/, '');
}

/** Replaces quoted text by placeholders so rewrites can never touch a literal or a quoted identifier. */
function mask(sql: string, vendor: Vendor): { masked: string; unmask: (s: string) => string; doubledQuotes: boolean } {
  const quoted: string[] = [];
  let doubledQuotes = false;
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const q = sql[i];
    if (q !== "'" && q !== '"' && q !== '`') {
      out += q;
      continue;
    }
    let j = i + 1;
    for (; j < sql.length; j++) {
      const backslashEscapes = vendor === 'bigquery' || q === "'";
      if (backslashEscapes && sql[j] === '\\') j++;
      else if (sql[j] === q && sql[j + 1] === q && vendor === 'snowflake') j++;
      else if (sql[j] === q) break;
    }
    let text = sql.slice(i, j + 1);
    if (q === '"' && vendor === 'snowflake' && text.slice(1, -1).includes('""')) {
      text = `"${text.slice(1, -1).replaceAll('""', '_')}"`;
      doubledQuotes = true;
    }
    quoted.push(text);
    out += `\u0001${quoted.length - 1}\u0001`;
    i = j;
  }
  return { masked: out, unmask: (s) => s.replace(/\u0001(\d+)\u0001/g, (_, k: string) => quoted[Number(k)]), doubledQuotes };
}

function closeParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  throw new Error('unbalanced parentheses');
}

/** Removes every `<start>…)` group, the opening match included. */
function dropGroup(s: string, start: RegExp): string {
  let out = s;
  for (let m = start.exec(out); m; m = start.exec(out)) {
    const open = m.index + m[0].length - 1;
    out = out.slice(0, m.index) + out.slice(closeParen(out, open) + 1);
    start.lastIndex = 0;
  }
  return out;
}

/** `STRING_AGG(x, '' ORDER BY t)` → `STRING_AGG(x, '')`, only at the call's own nesting level. */
function dropAggregateOrder(s: string): string {
  let out = s;
  const call = /\b(STRING_AGG|ARRAY_AGG)\(/g;
  for (let m = call.exec(out); m; m = call.exec(out)) {
    const open = m.index + m[0].length - 1;
    const close = closeParen(out, open);
    let depth = 0;
    for (let i = open + 1; i < close; i++) {
      if (out[i] === '(') depth++;
      else if (out[i] === ')') depth--;
      else if (depth === 0 && out.startsWith(' ORDER BY ', i)) {
        out = out.slice(0, i) + out.slice(close);
        break;
      }
    }
    call.lastIndex = open + 1;
  }
  return out;
}
