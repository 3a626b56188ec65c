/**
 * HyperLogLog registers in Snowflake SQL, bit-compatible with `src/profiler/hll.ts` (p = 12).
 *
 * HASH() is a signed 64-bit integer. The bucket is its low 12 bits and w the next 52 bits plus a sentinel bit at
 * 52. Both are taken with BITAND after the shift, so whether BITSHIFTRIGHT sign-extends a negative hash or not,
 * the masked bits are the same two's-complement bits the JS side reads with BigInt.asUintN(64, h).
 * rank = 1 + trailing zeros of w = log2((w XOR (w - 1)) + 1); every operand there is positive and below 2^54,
 * and the logarithm of an exact power of two rounds back to the exact integer.
 *
 * The packed `bbbrr` hex token is built digit by digit from a 16-character lookup string rather than with a numeric
 * format model ('XXXXX'), whose padding rules could not be confirmed without a live account.
 */
import { HLL_P, HLL_Q } from '../../src/profiler/hll.js';

const BUCKET_MASK = String(2 ** HLL_P - 1);
const W_MASK = ((1n << BigInt(HLL_Q)) - 1n).toString();
const SENTINEL = (1n << BigInt(HLL_Q)).toString();
const TOKEN_DIGITS = 5;

/** The packed token of one register is bucket * 256 + rank: 3 hex digits of bucket, 2 of rank. */
function hexToken(t: string): string {
  const digits: string[] = [];
  for (let k = TOKEN_DIGITS - 1; k >= 0; k--) {
    const nibble = k === 0 ? `BITAND(${t}, 15)` : `BITAND(BITSHIFTRIGHT(${t}, ${4 * k}), 15)`;
    digits.push(`SUBSTR('0123456789abcdef', ${nibble} + 1, 1)`);
  }
  return digits.join(' || ');
}

/**
 * The unpivot is a cross join with a VALUES list of column ordinals and a CASE that picks the ordinal's hash, so
 * each (row, column) pair hashes exactly one value and no VARIANT array (which would turn NULLs into holes) is
 * built.
 */
export function snowflakeHllRegisters(src: string, hashes: string[], hasPartition: boolean): string {
  const p = hasPartition ? '__p' : "''";
  const ordinals = hashes.map((_, i) => `(${i})`).join(', ');
  const pick = hashes.map((h, i) => `WHEN ${i} THEN ${h}`).join(' ');
  const rank = `CAST(ROUND(LOG(2, BITXOR(__w, __w - 1) + 1)) AS INTEGER)`;
  return `SELECT __p, __c, LISTAGG(${hexToken('__t')}, '') WITHIN GROUP (ORDER BY __t) AS __regs
FROM (
  SELECT __p, __c, __b * 256 + MAX(${rank}) AS __t
  FROM (
    SELECT __p, __c, BITAND(__h, ${BUCKET_MASK}) AS __b,
      BITOR(BITAND(BITSHIFTRIGHT(__h, ${HLL_P}), ${W_MASK}), ${SENTINEL}) AS __w
    FROM (
      SELECT ${p} AS __p, __u.__c AS __c, CASE __u.__c ${pick} END AS __h
      FROM ${src} CROSS JOIN (VALUES ${ordinals}) AS __u (__c)
    ) AS __hashes
    WHERE __h IS NOT NULL
  ) AS __buckets
  GROUP BY __p, __c, __b
) AS __registers
GROUP BY __p, __c`;
}
