import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { createRuntime, type StoreSetting } from '@bottango/runtime';
import { bots, groups } from './bots.js';

const dir = mkdtempSync(join(tmpdir(), 'bottango-'));
// The Context Session Store and, by default, the conversation states in one SQLite file
// (loads @bottango/store-sqlite, which must be installed; `redis://…` loads @bottango/store-redis).
const store: StoreSetting = `sqlite:${join(dir, 'bottango.sqlite')}`;
const start = () => createRuntime({ bots, groups, modules: [NaturalMatcherModule.fromOptions({})], store });
try {
  const first = await start();
  const conversationId = await first.startConversation({ botId: 'concierge' });
  await first.send(conversationId, 'I want my money back');
  await first.close();

  // A new runtime (a restart) continues the conversation where it was: billing waits for the order number.
  const second = await start();
  try {
    const events = await second.send(conversationId, 'order 12');
    for (const event of events) if (event.type === 'bot-message') console.log(`${event.botId}: ${event.text}`);
    console.log(`owner: ${(await second.getConversation(conversationId))?.ownerBotId}`);
  } finally {
    await second.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
