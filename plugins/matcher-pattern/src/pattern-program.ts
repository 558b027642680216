import type { PatternNode, PatternSequence } from './parse-pattern.js';

/**
 * A Thompson NFA over UTF-16 code units, simulated breadth-first (one pass over the input, a set of live states).
 * Work is O(input length × states): no backtracking, whatever the pattern or input.
 */
export const Op = {
  /** Consume one code unit equal to `arg`. */
  Char: 0,
  /** Consume any one code unit (the loop body of `*`). */
  Any: 1,
  /**
   * A pattern space: consume one input space, or nothing where the input is already at a word boundary (start of
   * input, end of input, or right after a space).
   */
  Space: 2,
  /** Epsilon to `next` and to `alt`. */
  Split: 3,
  Match: 4,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

export interface PatternProgram {
  readonly op: Uint8Array;
  readonly arg: Int32Array;
  readonly next: Int32Array;
  readonly alt: Int32Array;
  /** States from which the rest of any input is accepted (a `*` whose exit is the end of the pattern). */
  readonly acceptsRest: Uint8Array;
  readonly start: number;
  readonly size: number;
}

/** Counts the work done by {@link runProgram}; for tests and benchmarks. */
export interface ProgramStats {
  /** State visits: one per state added to a live set plus one per state stepped over an input character. */
  steps: number;
}

export function buildProgram(sequence: PatternSequence): PatternProgram {
  const op: number[] = [];
  const arg: number[] = [];
  const next: number[] = [];
  const alt: number[] = [];
  const acceptsRest: number[] = [];
  const add = (code: Op, argument: number, to: number, other = -1): number => {
    op.push(code);
    arg.push(argument);
    next.push(to);
    alt.push(other);
    acceptsRest.push(0);
    return op.length - 1;
  };
  const match = add(Op.Match, 0, -1);

  // Built back to front: each node is compiled knowing the state that follows it.
  const emitSequence = (nodes: PatternSequence, following: number): number => {
    let state = following;
    for (let index = nodes.length - 1; index >= 0; index -= 1) state = emitNode(nodes[index] as PatternNode, state);
    return state;
  };
  const emitNode = (node: PatternNode, following: number): number => {
    switch (node.kind) {
      case 'char':
        return add(Op.Char, node.code, following);
      case 'space':
        return add(Op.Space, 0x20, following);
      case 'star': {
        const loop = add(Op.Split, 0, -1, following);
        next[loop] = add(Op.Any, 0, loop);
        if (following === match) acceptsRest[loop] = 1;
        return loop;
      }
      case 'group': {
        const starts = node.alternatives.map((alternative) => emitSequence(alternative, following));
        let state = starts[starts.length - 1] as number;
        for (let index = starts.length - 2; index >= 0; index -= 1) state = add(Op.Split, 0, starts[index] as number, state);
        return state;
      }
    }
  };
  const start = emitSequence(sequence, match);
  return {
    op: Uint8Array.from(op),
    arg: Int32Array.from(arg),
    next: Int32Array.from(next),
    alt: Int32Array.from(alt),
    acceptsRest: Uint8Array.from(acceptsRest),
    start,
    size: op.length,
  };
}

/** Per-program scratch memory, reused across calls (matching is synchronous and never re-entrant). */
interface Scratch {
  current: Int32Array;
  following: Int32Array;
  stack: Int32Array;
  marks: Uint32Array;
  generation: number;
}

const scratchByProgram = new WeakMap<PatternProgram, Scratch>();

function scratchFor(program: PatternProgram): Scratch {
  let scratch = scratchByProgram.get(program);
  if (scratch === undefined) {
    scratch = {
      current: new Int32Array(program.size),
      following: new Int32Array(program.size),
      stack: new Int32Array(program.size * 2 + 2),
      marks: new Uint32Array(program.size),
      generation: 0,
    };
    scratchByProgram.set(program, scratch);
  }
  return scratch;
}

/** Runs the NFA over the whole (already normalised) input. Returns true when the input matches from start to end. */
export function runProgram(program: PatternProgram, input: string, stats?: ProgramStats): boolean {
  const { op, arg, next, alt, acceptsRest } = program;
  const scratch = scratchFor(program);
  const { stack, marks } = scratch;
  let current = scratch.current;
  let following = scratch.following;
  let steps = 0;
  let acceptedRest = false;

  // Adds `state` and its epsilon closure to `list`; `boundary` says whether a pattern space may match nothing here.
  const addClosure = (list: Int32Array, length: number, state: number, boundary: boolean): number => {
    let top = 0;
    stack[top++] = state;
    const generation = scratch.generation;
    while (top > 0) {
      const s = stack[--top] as number;
      if (marks[s] === generation) continue;
      marks[s] = generation;
      steps += 1;
      switch (op[s]) {
        case Op.Split:
          if (acceptsRest[s] === 1) acceptedRest = true;
          stack[top++] = alt[s] as number;
          stack[top++] = next[s] as number;
          break;
        case Op.Space:
          list[length++] = s;
          if (boundary) stack[top++] = next[s] as number;
          break;
        default:
          list[length++] = s;
      }
    }
    return length;
  };

  const finish = (result: boolean): boolean => {
    if (stats !== undefined) stats.steps += steps;
    return result;
  };

  const length = input.length;
  scratch.generation += 1;
  let size = addClosure(current, 0, program.start, true);
  if (acceptedRest) return finish(true);
  for (let position = 0; position < length && size > 0; position += 1) {
    const code = input.charCodeAt(position);
    // A space consumed here puts the next position on a word boundary; so does reaching the end of the input.
    const boundary = code === 0x20 || position + 1 === length;
    scratch.generation += 1;
    let nextSize = 0;
    for (let index = 0; index < size; index += 1) {
      const s = current[index] as number;
      steps += 1;
      const kind = op[s];
      if ((kind === Op.Char && arg[s] === code) || kind === Op.Any || (kind === Op.Space && code === 0x20)) {
        nextSize = addClosure(following, nextSize, next[s] as number, boundary);
      }
    }
    if (acceptedRest) return finish(true);
    const swap = current;
    current = following;
    following = swap;
    size = nextSize;
  }
  // The closure after the last character (or the initial one, for empty input) already treated the end of the
  // input as a word boundary, so only a Match state is left to look for.
  for (let index = 0; index < size; index += 1) {
    if (op[current[index] as number] === Op.Match) return finish(true);
  }
  return finish(false);
}
