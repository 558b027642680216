import type { Redis } from 'ioredis';

/** What a bot agent process says about itself on every heartbeat. */
export interface AgentHeartbeat {
  /** Consumer name in the consumer groups: unique per process. */
  readonly consumer: string;
  readonly botId: string;
  readonly skills: readonly string[];
  /** Its connector is up: it reads its skill streams. */
  readonly connected: boolean;
  /** It takes new conversations (a connected agent may refuse, e.g. at capacity). */
  readonly accepting: boolean;
  /** Epoch ms after which, without a new heartbeat, the process counts as dead. */
  readonly expires: number;
  readonly pid: number;
  readonly host: string;
}

/** Heartbeats of bot agent processes in one Redis hash, so every process knows which agents are live. */
export class AgentRegistry {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #cacheMs: number;
  #cached: { at: number; agents: Promise<AgentHeartbeat[]> } | undefined;

  constructor(redis: Redis, key: string, options: { cacheMs?: number } = {}) {
    this.#redis = redis;
    this.#key = key;
    this.#cacheMs = options.cacheMs ?? 200;
  }

  async beat(heartbeat: AgentHeartbeat): Promise<void> {
    await this.#redis.hset(this.#key, heartbeat.consumer, JSON.stringify(heartbeat));
  }

  async remove(consumer: string): Promise<void> {
    await this.#redis.hdel(this.#key, consumer);
  }

  /** Agents whose heartbeat has not expired (read at most every `cacheMs`); long-dead entries are removed. */
  live(now = Date.now()): Promise<AgentHeartbeat[]> {
    if (this.#cached && now - this.#cached.at < this.#cacheMs) return this.#cached.agents;
    const agents = this.#read(now);
    this.#cached = { at: now, agents };
    agents.catch(() => (this.#cached = undefined));
    return agents;
  }

  async #read(now: number): Promise<AgentHeartbeat[]> {
    const all = await this.#redis.hgetall(this.#key);
    const live: AgentHeartbeat[] = [];
    const dead: string[] = [];
    for (const [consumer, json] of Object.entries(all)) {
      const heartbeat = parseHeartbeat(json);
      if (!heartbeat) {
        dead.push(consumer);
        continue;
      }
      if (heartbeat.expires > now) live.push(heartbeat);
      else if (heartbeat.expires < now - 60_000) dead.push(consumer);
    }
    if (dead.length > 0) await this.#redis.hdel(this.#key, ...dead);
    return live;
  }
}

/** A heartbeat as an agent wrote it, or undefined for anything else (dropped from the registry). */
function parseHeartbeat(json: string): AgentHeartbeat | undefined {
  try {
    const h = JSON.parse(json) as Partial<AgentHeartbeat> | null;
    const valid =
      typeof h === 'object' && h !== null && typeof h.botId === 'string' && Array.isArray(h.skills) && h.skills.every((s) => typeof s === 'string') &&
      typeof h.connected === 'boolean' && typeof h.accepting === 'boolean' && typeof h.expires === 'number';
    return valid ? (h as AgentHeartbeat) : undefined;
  } catch {
    return undefined;
  }
}
