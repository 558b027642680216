import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { formatPath, type DefinitionProblem, type PathSegment } from './problems.js';

/** A parsed YAML or JSON file that can turn a path inside it into a line and column. */
export class SourceFile {
  private constructor(
    readonly file: string,
    private readonly document: Document | undefined,
    private readonly lineCounter: LineCounter,
  ) {}

  /**
   * Parses `text` (YAML 1.2; JSON is read by the same parser so positions work for both).
   * Returns the file and its data, or the syntax problems (empty file, several documents, YAML errors).
   */
  static parse(text: string, file: string): { source: SourceFile; data: unknown; problems: DefinitionProblem[] } {
    const lineCounter = new LineCounter();
    const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true });
    const list = Array.isArray(documents) ? documents : [];
    const source = new SourceFile(file, list[0], lineCounter);
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
    return { source, data: first.toJS({ maxAliasCount: 1000 }) as unknown, problems };
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

  /** A problem at `path` in this file, with its line and column. */
  problem(path: readonly PathSegment[], message: string): DefinitionProblem {
    const position = this.position(path);
    return { file: this.file, path: formatPath(path), ...(position ? { line: position.line, column: position.column } : {}), message };
  }
}
