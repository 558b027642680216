import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import { formatPath, type DefinitionProblem, type PathSegment } from './problems.js';

/** Limit on alias expansion when a document becomes data (yaml's `maxAliasCount`): a guard against alias bombs. */
const MAX_ALIAS_COUNT = 1000;

/** The line of the document's first alias (`*name`), where an alias expansion problem is reported. */
function firstAliasLine(document: Document, lineCounter: LineCounter): number | undefined {
  let line: number | undefined;
  visit(document, {
    Alias(_key, node) {
      if (node.range) line = lineCounter.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

/** A parsed YAML or JSON file that can turn a path inside it into a line and column. */
export class SourceFile {
  private constructor(
    readonly file: string,
    private readonly document: Document | undefined,
    private readonly lineCounter: LineCounter,
    private readonly text: string,
  ) {}

  /**
   * Parses `text` (YAML 1.2; JSON is read by the same parser so positions work for both).
   * Returns the file and its data, or the syntax problems (empty file, several documents, YAML errors).
   */
  static parse(text: string, file: string): { source: SourceFile; data: unknown; problems: DefinitionProblem[] } {
    const lineCounter = new LineCounter();
    const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true });
    const list = Array.isArray(documents) ? documents : [];
    const source = new SourceFile(file, list[0], lineCounter, text);
    const problems: DefinitionProblem[] = [];
    for (const document of list) {
      for (const error of document.errors) {
        const position = error.linePos?.[0];
        const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        problems.push({ file, path: '', ...(position ? { line: position.line, column: position.col } : {}), message: `invalid syntax: ${message}` });
      }
    }
    if (problems.length > 0) return { source, data: undefined, problems };
    const first = list[0];
    if (first === undefined || first.contents === null) {
      return { source, data: undefined, problems: [{ file, path: '', message: 'the file is empty' }] };
    }
    if (list.length > 1) {
      const second = list[1]!;
      const line = second.range[0] === 0 ? undefined : lineCounter.linePos(second.range[0]).line;
      problems.push({
        file,
        path: '',
        ...(line === undefined ? {} : { line }),
        message: `the file holds ${list.length} YAML documents (separated by ---); put one definition in each file`,
      });
      return { source, data: undefined, problems };
    }
    try {
      return { source, data: first.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown, problems };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const alias = firstAliasLine(first, lineCounter);
      const what = /alias/i.test(message)
        ? `YAML aliases (*name) expand to too much data (over ${MAX_ALIAS_COUNT} expansions, as in a "billion laughs" file)${alias === undefined ? '' : '; the line is that of the first alias'}; use fewer aliases`
        : `the YAML cannot be turned into data: ${message}`;
      return { source, data: undefined, problems: [{ file, path: '', ...(alias === undefined ? {} : { line: alias }), message: what }] };
    }
  }

  /** The node at `path`, if every segment exists. */
  private nodeAt(path: readonly PathSegment[]): unknown {
    const document = this.document;
    if (document === undefined) return undefined;
    let node: unknown = document.contents;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(document);
      if (typeof segment === 'string' && isMap(node)) node = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment)?.value;
      else if (typeof segment === 'number' && isSeq(node)) node = node.items[segment];
      else return undefined;
    }
    return node;
  }

  /**
   * The file position of `line`:`column` (1-based) inside the string value at `path`, for a block literal (`|`)
   * or a one-line value; `undefined` when the value is folded or escaped and positions cannot be mapped.
   */
  positionInString(path: readonly PathSegment[], line: number, column: number): { line: number; column: number } | undefined {
    const node = this.nodeAt(path);
    if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
    const start = this.lineCounter.linePos(node.range[0]);
    if (node.type === 'BLOCK_LITERAL') {
      // Content starts on the line after the `|` header; its indentation is that of the first non-empty line.
      const contentStart = this.lineCounter.lineStarts[start.line];
      if (contentStart === undefined) return undefined;
      const indent = /^(?:[ ]*\r?\n)*([ ]*)/.exec(this.text.slice(contentStart))![1]!.length;
      return { line: start.line + line, column: indent + column };
    }
    const source = this.text.slice(node.range[0], node.range[1]);
    if (line !== 1 || source.includes('\\') || source.includes('\n')) return undefined;
    if (node.type === 'PLAIN') return { line: start.line, column: start.col + column - 1 };
    if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return { line: start.line, column: start.col + column };
    return undefined;
  }

  /** The position of the deepest node on `path` that exists (the key itself for a mapping key). */
  position(path: readonly PathSegment[]): { line: number; column: number } | undefined {
    const document = this.document;
    if (document === undefined) return undefined;
    let node: unknown = document.contents;
    let offset = (node as Node | null)?.range?.[0];
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(document);
      if (typeof segment === 'string' && isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
        if (pair === undefined) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (typeof segment === 'number' && isSeq(node)) {
        const item = node.items[segment] as Node | undefined;
        if (item === undefined) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** A problem at `path` in this file, with its line and column (or `at`, when known more precisely). */
  problem(path: readonly PathSegment[], message: string, at?: { line: number; column: number }): DefinitionProblem {
    const position = at ?? this.position(path);
    return { file: this.file, path: formatPath(path), ...(position ? { line: position.line, column: position.column } : {}), message };
  }
}
