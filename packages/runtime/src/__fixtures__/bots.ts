import type { BotDefinition } from '@bottango/core';

/** A concierge that escalates to billing and tech; a human desk that is often offline. */
export function demoBots(): BotDefinition[] {
  const concierge: BotDefinition = {
    id: 'concierge',
    skills: ['concierge'],
    intents: [],
    dialogs: [
      { name: 'Welcome', type: 'standard', starter: { patterns: ['(hi|hello|hey)*'] }, interactions: [{ type: 'text', text: 'Hi, I am the concierge.' }] },
      {
        name: 'Refund handoff',
        type: 'standard',
        starter: { patterns: ['*refund*'] },
        interactions: [
          {
            type: 'agentTransfer',
            skill: 'billing',
            message: 'Let me get billing for your refund.',
            tangoContext: true,
            preProcess: async (ctx) => {
              ctx.setBotTransferIntentId('billing.refund');
              await ctx.registerContextNamespace('handoff', 3600);
              await ctx.setContextDataForConversation('handoff', 'customerTier', 'gold');
            },
          },
        ],
      },
      {
        name: 'Internet handoff',
        type: 'standard',
        starter: { patterns: ['*(internet|wifi|router)*'] },
        interactions: [
          {
            type: 'agentTransfer',
            skill: 'tech',
            message: 'Transferring you to an agent for that.',
            tangoContext: true,
            preProcess: (ctx) => ctx.setBotTransferUserMessage(ctx.getCurrentUserMessage()),
          },
        ],
      },
      {
        name: 'Invoice handoff',
        type: 'standard',
        starter: { patterns: ['*invoice*'] },
        interactions: [{ type: 'agentTransfer', skill: 'billing', message: 'Transferring you to an agent now.', tangoContext: false }],
      },
      {
        name: 'Empty context handoff',
        type: 'standard',
        starter: { patterns: ['*statement*'] },
        interactions: [{ type: 'agentTransfer', skill: 'billing', message: 'BLANK_MESSAGE', tangoContext: true }],
      },
      {
        name: 'Human handoff',
        type: 'standard',
        starter: { patterns: ['*human*'] },
        interactions: [{ type: 'agentTransfer', skill: 'human', message: 'Connecting you to a person.', tangoContext: false }],
      },
      {
        name: 'Loop',
        type: 'standard',
        starter: { patterns: ['loop'] },
        interactions: [
          { type: 'agentTransfer', skill: '{$botContext.target}', message: 'Going around.', tangoContext: false, preProcess: (ctx) => ctx.setBotVariable('target', 'concierge'), onFailure: 'Oops' },
          { type: 'text', name: 'Oops', text: 'I cannot transfer you to myself.' },
        ],
      },
      {
        name: 'Nowhere',
        type: 'standard',
        starter: { patterns: ['nowhere'] },
        interactions: [{ type: 'agentTransfer', skill: 'astronomy', message: 'Off to astronomy.', tangoContext: false }],
      },
      {
        name: 'Escalation failed',
        type: 'standard',
        starter: { patterns: ['__agent_escalation_failed__'] },
        interactions: [{ type: 'text', text: 'Sorry, nobody can take your conversation right now.' }],
      },
      { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Concierge did not understand.' }] },
    ],
  };
  const billing: BotDefinition = {
    id: 'billing',
    skills: ['billing'],
    intents: [
      { id: 'billing.refund', name: 'refund', domain: 'billing', trainingPhrases: ['i want a refund', 'give me my money back'] },
      { id: 'billing.balance', name: 'balance', domain: 'billing', trainingPhrases: ['what is my balance', 'how much do i owe'] },
    ],
    dialogs: [
      { name: 'Welcome', type: 'standard', starter: { patterns: ['(hi|hello|hey)*'] }, interactions: [{ type: 'text', text: 'Billing here, how can I help?' }] },
      {
        name: 'Refund',
        type: 'standard',
        starter: { intent: 'billing.refund' },
        interactions: [
          {
            type: 'text',
            text: 'Billing: let us sort out your refund ({$botContext.tier} customer).',
            preProcess: async (ctx) => {
              const tier = await ctx.getContextDataForConversation('handoff', 'customerTier');
              ctx.setBotVariable('tier', tier ?? 'unknown');
            },
          },
          { type: 'question', text: 'What is the order number?', saveAs: 'order' },
          { type: 'text', text: 'Refund for order {$botContext.order} is on its way.' },
        ],
      },
      { name: 'Balance', type: 'standard', starter: { intent: 'billing.balance' }, interactions: [{ type: 'text', text: 'Your balance is 42 EUR.' }] },
      { name: 'Invoice', type: 'standard', starter: { patterns: ['*invoice*'] }, interactions: [{ type: 'text', text: 'Billing: here is your invoice.' }] },
      { name: 'Agent words', type: 'standard', starter: { patterns: ['*agent*'] }, interactions: [{ type: 'text', text: 'Billing reacted to the transfer message!' }] },
      { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Billing did not understand.' }] },
    ],
  };
  const tech: BotDefinition = {
    id: 'tech',
    skills: ['tech'],
    intents: [{ id: 'tech.internet', name: 'internet down', domain: 'tech', trainingPhrases: ['my internet is down', 'the wifi does not work'] }],
    dialogs: [
      { name: 'Internet', type: 'standard', starter: { intent: 'tech.internet' }, interactions: [{ type: 'text', text: 'Tech: let us restart your router.' }] },
      { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Tech did not understand.' }] },
    ],
  };
  const human: BotDefinition = { id: 'human-desk', skills: ['human'], intents: [], dialogs: [{ name: 'Hello', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'text', text: 'A person is here.' }] }] };
  return [concierge, billing, tech, human];
}
