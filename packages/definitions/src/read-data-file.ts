import type { DefinitionProblem } from './problems.js';
import { readDefinitionFile } from './read-file.js';
import { SourceFile } from './source-file.js';

/**
 * Reads a YAML or JSON file the way bot and project files are read: at most 1 MiB, strict UTF-8, one document, YAML
 * aliases capped (no "billion laughs"). `what` names the file in messages ("a scenario file"). The data, or the
 * problems that stop it being read, each with the file and, where known, the line. File-system errors are thrown.
 */
export async function readDataFile(file: string, what: string): Promise<{ readonly data: unknown; readonly problems: readonly DefinitionProblem[] }> {
  const read = await readDefinitionFile(file, what);
  if (read.problem !== undefined) return { data: undefined, problems: [read.problem] };
  const { data, problems } = SourceFile.parse(read.text, file);
  return { data, problems };
}
