/**
 * The YAML document with node ranges kept, so any key path (even one produced by zod or a semantic check long
 * after parsing) can be mapped back to the line and column a user should look at.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ConfigIssue, PathSegment } from './errors.js';
import { formatPath } from './errors.js';

export interface Position {
  line: number;
  column: number;
}

export class YamlSource {
  readonly doc: Document;
  readonly lines = new LineCounter();

  constructor(private readonly text: string) {
    // uniqueKeys: a duplicated key silently overriding the first is exactly the kind of typo strictness catches.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  position(offset: number): Position {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  private lineText(line: number): string {
    const start = this.lines.lineStarts[line - 1] ?? 0;
    const end = this.lines.lineStarts[line] ?? this.text.length;
    return this.text.slice(start, end);
  }

  /** Syntax errors as issues; only the parser's one-line reason is kept, never its source excerpt. */
  syntaxIssues(): ConfigIssue[] {
    return this.doc.errors.map((e) => {
      const { line, column } = this.position(e.pos[0]);
      let message = `invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
      // `{a: ${X}}` is the classic trap: `{` and `}` end a flow mapping unless the value is quoted.
      if (this.lineText(line).includes('${') && /flow|collection|mapping/i.test(message)) {
        message += ' (quote "${...}" values inside {...} or [...])';
      }
      return { path: formatPath(this.pathAtOffset(e.pos[0])), line, column, message };
    });
  }

  /**
   * Where `path` is in the file. When it does not exist (a missing key) the nearest existing ancestor is used,
   * so "missing required key" points at the mapping that lacks it. `atKey` points at the key rather than value.
   */
  locate(path: readonly PathSegment[], atKey = false): Position {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    let best = 0;
    for (const seg of path) {
      node = this.deref(node);
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyNode = pair.key as Node;
        next = pair.value ?? undefined;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        keyNode = undefined;
        next = node.items[seg];
      } else break;
      node = next;
      best = startOf(keyNode) ?? best;
      if (!atKey || keyNode === undefined) best = startOf(node) ?? best;
    }
    return this.position(best);
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** Key path of the innermost key/value pair covering `offset`, to name the key a syntax error is in. */
  pathAtOffset(offset: number): PathSegment[] {
    const out: PathSegment[] = [];
    let node: unknown = this.doc.contents;
    for (;;) {
      if (isMap(node)) {
        const pair = node.items.find((p) => covers(p.key, p.value, offset));
        // Parser recovery can turn broken text into odd keys; stop before naming one.
        if (!pair || !isScalar(pair.key) || !/^[\w.$-]+$/.test(String(pair.key.value))) return out;
        out.push(String(pair.key.value));
        node = pair.value;
      } else if (isSeq(node)) {
        const i = node.items.findIndex((item) => covers(item, item, offset));
        if (i < 0) return out;
        out.push(i);
        node = node.items[i];
      } else return out;
    }
  }
}

function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function covers(first: unknown, last: unknown, offset: number): boolean {
  const head = (isPair(first) ? first.key : first) as Node | null | undefined;
  const start = head?.range?.[0];
  const end = (last as Node | null | undefined)?.range?.[1] ?? head?.range?.[1];
  return start !== undefined && end !== undefined && offset >= start && offset <= end;
}
