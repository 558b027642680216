import { createServer } from 'node:http';
import { loadBotDirectory } from '@bottango/definitions';
import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { createRuntime } from '@bottango/runtime';

/**
 * The peer of `pnpm bench http`: the same runtime behind a bare node:http server (no framework, no schemas, no
 * authentication), so the bench shows what the real server's framework and checks cost on top of the bots' work.
 * Run as a child process: `node http-peer.js <bots dir> <models dir>`; prints `listening <port>`.
 */
const [botsDir = '', cacheDir = ''] = process.argv.slice(2);
const { bots, groups } = await loadBotDirectory(botsDir);
const runtime = await createRuntime({ bots, groups, modules: [NaturalMatcherModule.fromOptions({ cacheDir })], defaultIntentMatcher: 'natural' });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      const parts = (req.url ?? '').split('/');
      if (req.method === 'POST' && parts.length === 2 && parts[1] === 'conversations') {
        const id = await runtime.startConversation({ botId: 'concierge' });
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ conversationId: id }));
        return;
      }
      if (req.method === 'POST' && parts[1] === 'conversations' && parts[3] === 'messages' && parts[2]) {
        const { text } = JSON.parse(Buffer.concat(chunks).toString()) as { text: string };
        const events = await runtime.send(parts[2], text);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ events }));
        return;
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
