import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeRuntime } from '@bottango/cli';
import type { ConversationEvent } from '@bottango/core';
import { afterEach, beforeEach } from 'vitest';
import { createBottangoServer, type BottangoServer, type BottangoServerOptions } from '../server.js';

export const DEMO_BOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../demo/bots');

/** The server of one test on the demo bots: a temp folder per test, the server closed after it. */
export interface DemoServer {
  tmp: string;
  server: BottangoServer | undefined;
  /** `http://127.0.0.1:<port>` of the running server. */
  base: string;
  start(options?: BottangoServerOptions & { store?: string }): Promise<BottangoServer>;
}

export function useDemoServer(prefix: string): DemoServer {
  const demo: DemoServer = {
    tmp: '',
    server: undefined,
    base: '',
    async start(options = {}) {
      const { store, ...serverOptions } = options;
      const { runtime } = await composeRuntime({ botsDir: DEMO_BOTS, cwd: process.cwd(), modelCacheDir: join(demo.tmp, 'models'), ...(store ? { store } : {}) });
      const server = createBottangoServer(runtime, serverOptions);
      demo.server = server;
      demo.base = (await server.listen(0, '127.0.0.1')).url;
      return server;
    },
  };
  beforeEach(() => {
    demo.tmp = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await demo.server?.close();
    demo.server = undefined;
    rmSync(demo.tmp, { recursive: true, force: true });
  });
  return demo;
}

export interface SseEvent {
  readonly id: string;
  readonly event: string;
  readonly data: ConversationEvent;
}

/** Reads a Server-Sent Events response chunk by chunk into its events and comment lines. */
export class SseReader {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(res: Response) {
    this.#reader = (res.body as ReadableStream<Uint8Array>).getReader();
  }

  /** Reads the next chunk; false once the stream has ended. */
  async next(): Promise<boolean> {
    const { done, value } = await this.#reader.read();
    if (done) return false;
    this.#buffer += this.#decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, cut);
      this.#buffer = this.#buffer.slice(cut + 2);
      if (block.startsWith(':')) this.comments.push(block.slice(1).trim());
      else this.events.push({ id: /^id: (.*)$/m.exec(block)?.[1] ?? '', event: /^event: (.*)$/m.exec(block)?.[1] ?? '', data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as ConversationEvent });
    }
    return true;
  }
}
