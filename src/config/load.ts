/**
 * Entry points: read → YAML (with positions) → ${ENV} interpolation → strict zod validation → cross-key checks
 * → normalization. Every failure is a ConfigError naming file:line:column and the key path; nothing here
 * connects to anything.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkConfig } from './checks.js';
import { ConfigError, type ConfigIssue, formatPath, scrub } from './errors.js';
import { type Env, interpolateDocument } from './interpolate.js';
import { normalizeConfig } from './normalize.js';
import { configSchema } from './schema.js';
import { secretValues } from './secrets.js';
import type { BaselinrConfig } from './types.js';
import { YamlSource } from './yaml-source.js';
import { typeName, zodIssues } from './zod-issues.js';

export interface ParseOptions {
  /** Name used in messages (as the user typed it) and, resolved, as `BaselinrConfig.file`. */
  file?: string;
  /** Folder relative paths resolve against; default: the file's folder, else the working directory. */
  baseDir?: string;
  env?: Env;
}

export function loadConfig(path: string, env: Env = process.env): BaselinrConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `config file not found: ${path}`
        : code === 'EISDIR'
          ? `config path is a directory, not a file: ${path}`
          : `cannot read config file ${path}: ${code ?? String(err)}`;
    throw new ConfigError(path, [{ path: '', line: 0, column: 0, message }]);
  }
  return parseConfig(text, { file: path, baseDir: dirname(resolve(path)), env });
}

export function parseConfig(text: string, options: ParseOptions = {}): BaselinrConfig {
  const display = options.file ?? '<inline>';
  const baseDir = resolve(options.baseDir ?? (options.file ? dirname(resolve(options.file)) : process.cwd()));
  const src = new YamlSource(text);
  // Scrub with whatever secrets the document holds, even when it is invalid: messages quoting the parser or a
  // value must not leak a password that sits next to the mistake.
  const fail = (issues: ConfigIssue[]): never => {
    let secrets: string[] = [];
    try {
      secrets = secretValues(src.doc.toJS());
    } catch {
      // a document that cannot even be converted has no values to protect beyond what the parser saw
    }
    throw new ConfigError(display, issues.map((i) => ({ ...i, message: scrub(i.message, secrets) })));
  };

  const syntax = src.syntaxIssues();
  if (syntax.length > 0) fail(syntax);
  const toJS = (): unknown => {
    try {
      return src.doc.toJS();
    } catch (err) {
      // e.g. yaml's guard against alias expansion bombs
      return fail([{ path: '', line: 1, column: 1, message: `invalid YAML: ${(err as Error).message}` }]);
    }
  };
  const top = toJS();
  if (top === null || top === undefined) {
    fail([{ path: '', line: 1, column: 1, message: 'config is empty: expected a mapping with at least "source"' }]);
  }
  if (typeof top !== 'object' || Array.isArray(top)) {
    const { line, column } = src.locate([]);
    const message = `top level must be a mapping (source:, storage:, ...), got ${typeName(top)}`;
    fail([{ path: '', line, column, message }]);
  }

  const envIssues = interpolateDocument(src, options.env ?? process.env);
  const data = toJS();
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    // A failed ${VAR} became '' — the type error that follows on the same key would only be noise.
    const failed = new Set(envIssues.map((i) => i.path));
    const typeIssues = zodIssues(parsed.error.issues, data, configSchema, src).filter((i) => !failed.has(i.path));
    fail([...envIssues, ...typeIssues]);
  }
  const raw = parsed.data!;
  const semantic = checkConfig(raw).map((i) => ({
    path: formatPath(i.path),
    ...src.locate(i.path, i.atKey),
    message: i.message,
  }));
  if (envIssues.length + semantic.length > 0) fail([...envIssues, ...semantic]);

  return normalizeConfig(raw, {
    file: options.file ? resolve(options.file) : '<inline>',
    baseDir,
    lineOf: (i) => src.locate(['profiling', 'tables', i]).line,
  });
}
