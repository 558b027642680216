import { fileURLToPath } from 'node:url';
import { loadBotDirectory } from '@bottango/definitions';
import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { createRuntime, formatConversationEvent } from '@bottango/runtime';

// Every *.yaml / *.yml / *.json file of the folder: one bot per file, and groups.yaml. Any problem in any file
// rejects with one INVALID_DEFINITION error listing them all with file, line and path.
const { bots, groups, warnings } = await loadBotDirectory(fileURLToPath(new URL('../bots', import.meta.url)));
for (const warning of warnings) console.warn(`warning: ${warning.file}: ${warning.path}: ${warning.message}`);

// What the files became: the code model (phrases → trainingPhrases, type: 'question', …).
const billing = bots.find((bot) => bot.id === 'billing');
console.log(JSON.stringify(billing?.intents[0]));
console.log(JSON.stringify(billing?.dialogs[0]?.interactions[0]));

const runtime = await createRuntime({ bots, groups, modules: [NaturalMatcherModule.fromOptions({})] });
try {
  const conversationId = await runtime.startConversation({ botId: 'concierge' });
  for (const text of ['I want my money back', 'order 77']) {
    for (const event of await runtime.send(conversationId, text)) {
      const line = formatConversationEvent(event);
      if (line !== undefined) console.log(line);
    }
  }
} finally {
  await runtime.close();
}
