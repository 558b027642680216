import type { BotDefinition, BotGroupDefinition } from '@bottango/core';

/** A concierge that hands refunds to a billing bot, with the Tango Context set to the billing intent. */
export const concierge: BotDefinition = {
  id: 'concierge',
  name: 'Concierge',
  skills: ['concierge'],
  group: 'support',
  intents: [],
  dialogs: [
    {
      name: 'Refund handoff',
      type: 'standard',
      starter: { patterns: ['*(refund|money back)*'] },
      interactions: [
        {
          type: 'agentTransfer',
          skill: 'billing',
          message: 'I will hand you to Billing.',
          tangoContext: true,
          preProcess: (botContext) => botContext.setBotTransferIntentId('billing.refund'),
        },
      ],
    },
    { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'I can help with refunds.' }] },
  ],
};

export const billing: BotDefinition = {
  id: 'billing',
  skills: ['billing'],
  group: 'support',
  intents: [
    { id: 'billing.refund', name: 'refund', trainingPhrases: ['i want a refund', 'give me my money back', 'refund my order'] },
    { id: 'billing.invoice', name: 'invoice', trainingPhrases: ['send me my invoice', 'where is my bill', 'i need a receipt'] },
  ],
  dialogs: [
    {
      name: 'Refund',
      type: 'standard',
      starter: { intent: 'billing.refund' },
      interactions: [
        { type: 'question', text: 'Which order should be refunded?', saveAs: 'order' },
        {
          type: 'text',
          text: 'The refund for {$botContext.order} is on its way.',
          preProcess: async (botContext) => {
            await botContext.registerContextNamespace('billing');
            await botContext.setContextDataForConversation('billing', 'refundedOrder', botContext.getCurrentUserMessage());
          },
        },
      ],
    },
    { name: 'Invoice', type: 'standard', starter: { intent: 'billing.invoice' }, interactions: [{ type: 'text', text: 'Your invoice is on its way.' }] },
  ],
};

export const bots: readonly BotDefinition[] = [concierge, billing];
export const groups: readonly BotGroupDefinition[] = [{ id: 'support', collaboration: true }];
