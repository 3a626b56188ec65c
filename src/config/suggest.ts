/**
 * "did you mean" hints for unknown keys. The candidate keys are read from the zod schema itself (following the
 * discriminated union branch the data selects), so hints can never go stale when a key is added.
 */
import type * as z from 'zod';
import type { PathSegment } from './errors.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Keys the object schema at `path` accepts; [] when the path does not lead to an object schema. */
export function knownKeys(schema: z.ZodType, data: unknown, path: readonly PathSegment[]): string[] {
  let cur: z.ZodType | undefined = schema;
  let value = data;
  for (let i = 0; cur && i <= path.length; ) {
    const def = defOf(cur);
    if (def.innerType) cur = def.innerType;
    else if (def.type === 'pipe') cur = def.in;
    else if (def.type === 'union' && def.discriminator) {
      const tag = (value as Record<string, unknown> | null)?.[def.discriminator];
      cur = def.options?.find((o) => defOf(o).shape?.[def.discriminator!] && accepts(o, def.discriminator!, tag));
    } else if (i === path.length) return def.shape ? Object.keys(def.shape) : [];
    else {
      const seg = path[i++];
      value = (value as Record<string | number, unknown> | null)?.[seg];
      cur = def.shape?.[String(seg)] ?? def.element ?? def.valueType;
    }
  }
  return [];
}

function accepts(option: z.ZodType, key: string, tag: unknown): boolean {
  const literal = defOf(option).shape![key] as unknown as { _zod: { def: { values?: unknown[] } } };
  return literal._zod.def.values?.includes(tag) ?? false;
}

export function didYouMean(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const [a, b] = [key.toLowerCase(), k.toLowerCase()];
    // A truncated key (`max_row` for `max_rows_scanned`) is far by edit distance yet obviously meant.
    const d = a.length >= 3 && b.startsWith(a) ? 1 : distance(a, b);
    if (d < bestScore) [best, bestScore] = [k, d];
  }
  const close = best !== undefined && bestScore <= Math.max(2, Math.floor(best.length / 3));
  return close ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
