export const EXIT_OK = 0;
/** At least one table failed; the others completed. */
export const EXIT_TABLE_FAILED = 1;
/** Bad usage or invalid config; nothing was written. */
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Thrown for bad usage; the CLI prints the message and exits 2. */
export class UsageError extends Error {}

export type Format = 'table' | 'json';
