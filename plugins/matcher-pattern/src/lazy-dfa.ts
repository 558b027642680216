import { Op, runProgram, type PatternProgram, type ProgramStats } from './pattern-program.js';

/** DFA states cached per pattern; past this, the pattern is matched by NFA simulation (still linear, just slower). */
export const MAX_DFA_STATES = 256;

/** The character class of the input space; it always has its own class because it sets the word-boundary flag. */
const SPACE_CLASS = 1;
const UNKNOWN = -1;

interface DfaState {
  /** Sorted NFA states, closed under epsilon moves. */
  readonly members: Int32Array;
  /** Target DFA state per character class; UNKNOWN until first needed. */
  readonly transitions: Int32Array;
  /** No NFA state left: nothing more can match. */
  readonly dead: boolean;
  /** A trailing `*` was reached: every continuation matches. */
  readonly acceptsRest: boolean;
  /** The input matches if it ends here. */
  readonly acceptsAtEnd: boolean;
}

/**
 * A DFA built lazily from the NFA (subset construction, one state at a time, as input needs it), so the common
 * case costs one table look-up per input character. Characters that appear in no pattern literal share class 0.
 */
export class LazyDfa {
  private readonly classOfAscii = new Uint8Array(128);
  private readonly classOfOther = new Map<number, number>();
  /** The code unit each class stands for (class 0: any character the pattern does not name). */
  private readonly classCodes: number[] = [-1, 0x20];
  private readonly states: DfaState[] = [];
  private readonly stateByKey = new Map<string, number>();
  private readonly marks: Uint32Array;
  private generation = 0;
  private readonly stack: Int32Array;
  private readonly buffer: Int32Array;

  constructor(private readonly program: PatternProgram) {
    this.classOfAscii[0x20] = SPACE_CLASS;
    for (let state = 0; state < program.size; state += 1) {
      if (program.op[state] !== Op.Char) continue;
      const code = program.arg[state] as number;
      if (this.classOf(code) !== 0) continue;
      const id = this.classCodes.length;
      this.classCodes.push(code);
      if (code < 128) this.classOfAscii[code] = id;
      else this.classOfOther.set(code, id);
    }
    this.marks = new Uint32Array(program.size);
    this.stack = new Int32Array(program.size * 2 + 2);
    this.buffer = new Int32Array(program.size);
    this.generation += 1;
    this.internState(this.close([program.start], true));
  }

  /** Number of DFA states built so far (for tests). */
  get stateCount(): number {
    return this.states.length;
  }

  /** Whole-input match of already normalised text. */
  matches(input: string, stats?: ProgramStats): boolean {
    const states = this.states;
    let current = states[0] as DfaState;
    let steps = 0;
    for (let position = 0; position < input.length; position += 1) {
      if (current.acceptsRest) break;
      if (current.dead) break;
      const code = input.charCodeAt(position);
      const cls = code < 128 ? (this.classOfAscii[code] as number) : (this.classOfOther.get(code) ?? 0);
      let target = current.transitions[cls] as number;
      if (target === UNKNOWN) {
        target = this.transition(current, cls);
        if (target === UNKNOWN) {
          // Too many DFA states for this pattern: finish with the NFA simulation.
          if (stats !== undefined) stats.steps += steps;
          return runProgram(this.program, input, stats);
        }
        current.transitions[cls] = target;
        steps += this.program.size;
      }
      steps += 1;
      current = states[target] as DfaState;
    }
    if (stats !== undefined) stats.steps += steps;
    return current.acceptsRest || current.acceptsAtEnd;
  }

  private classOf(code: number): number {
    return code < 128 ? (this.classOfAscii[code] as number) : (this.classOfOther.get(code) ?? 0);
  }

  /** Index of the state reached from `from` on class `cls`, or UNKNOWN when the state cache is full. */
  private transition(from: DfaState, cls: number): number {
    const { op, arg, next } = this.program;
    const code = this.classCodes[cls] as number;
    const seeds: number[] = [];
    for (const state of from.members) {
      const kind = op[state];
      if ((kind === Op.Char && arg[state] === code) || kind === Op.Any || (kind === Op.Space && cls === SPACE_CLASS)) {
        seeds.push(next[state] as number);
      }
    }
    this.generation += 1;
    return this.internState(this.close(seeds, cls === SPACE_CLASS));
  }

  /** Epsilon closure of `seeds`; `boundary` lets pattern spaces match nothing. Returns the sorted member list. */
  private close(seeds: readonly number[], boundary: boolean): { members: Int32Array; acceptsRest: boolean } {
    const { op, next, alt, acceptsRest } = this.program;
    const { marks, stack, buffer, generation } = this;
    let size = 0;
    let top = 0;
    let reachedRest = false;
    for (const seed of seeds) stack[top++] = seed;
    while (top > 0) {
      const state = stack[--top] as number;
      if (marks[state] === generation) continue;
      marks[state] = generation;
      const kind = op[state];
      if (kind === Op.Split) {
        if (acceptsRest[state] === 1) reachedRest = true;
        stack[top++] = alt[state] as number;
        stack[top++] = next[state] as number;
      } else {
        buffer[size++] = state;
        if (kind === Op.Space && boundary) stack[top++] = next[state] as number;
      }
    }
    return { members: buffer.slice(0, size).sort(), acceptsRest: reachedRest };
  }

  private internState({ members, acceptsRest }: { members: Int32Array; acceptsRest: boolean }): number {
    const key = acceptsRest ? 'rest' : members.join(',');
    const known = this.stateByKey.get(key);
    if (known !== undefined) return known;
    if (this.states.length >= MAX_DFA_STATES) return UNKNOWN;
    this.states.push({
      members,
      transitions: new Int32Array(this.classCodes.length).fill(UNKNOWN),
      dead: members.length === 0,
      acceptsRest,
      acceptsAtEnd: acceptsRest || this.acceptsAtEnd(members),
    });
    this.stateByKey.set(key, this.states.length - 1);
    return this.states.length - 1;
  }

  /** The end of the input is a word boundary: close again letting spaces match nothing, and look for Match. */
  private acceptsAtEnd(members: Int32Array): boolean {
    this.generation += 1;
    const closed = this.close(Array.from(members), true);
    return closed.acceptsRest || closed.members.some((state) => this.program.op[state] === Op.Match);
  }
}
