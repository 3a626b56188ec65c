/**
 * Config errors carry file, line, column and key path so the CLI can print one actionable line and exit 2.
 * Messages are built from our own templates, never from user values of secret keys; `scrub` is a second line
 * of defence for text we do not control (YAML parser messages).
 */

export type PathSegment = string | number;

export interface ConfigIssue {
  /** Dotted key path, e.g. `profiling.tables[0].tabel`; '' for the document itself. */
  path: string;
  line: number;
  column: number;
  /** The problem alone, without location, e.g. `unknown key "tabel"`. */
  message: string;
}

export class ConfigError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  /** Every problem found, sorted by position; `message` describes the first. */
  readonly issues: ConfigIssue[];

  constructor(file: string, issues: ConfigIssue[]) {
    const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
    const first = sorted[0] ?? { path: '', line: 0, column: 0, message: 'invalid configuration' };
    super(formatIssue(file, first));
    this.name = 'ConfigError';
    this.file = file;
    this.line = first.line;
    this.column = first.column;
    this.path = first.path;
    this.issues = sorted;
  }

  /** Every issue, one per line, for `baselinr validate`. */
  describeAll(): string {
    return this.issues.map((i) => formatIssue(this.file, i)).join('\n');
  }
}

/** `file:line:col: path: message`; just the message for file-level problems (e.g. a missing file). */
export function formatIssue(file: string, issue: ConfigIssue): string {
  const text = oneLine(issue.message);
  // File-level problems (not found, unreadable) already name the file.
  if (issue.line <= 0) return issue.path ? `${file}: ${issue.path}: ${text}` : text;
  const where = `${file}:${issue.line}:${issue.column}`;
  return issue.path ? `${where}: ${issue.path}: ${text}` : `${where}: ${text}`;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The CLI prints `message` on one line; multi-line parser text would break that contract. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Replace every occurrence of a secret in `text` by `***`; longest first so a prefix cannot leak the rest. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join('***');
  }
  return out;
}
