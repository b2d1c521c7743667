import { ActivityTypes, type Activity } from 'botbuilder';
import type { InboundContent, InboundMessage } from './webhookPayload';

/** What reaches the bot: media never does (the bridge answers it itself, see WhatsAppWorker). */
export type BotContent = Exclude<InboundContent, { kind: 'media' }>;

export const CHANNEL_ID = 'whatsapp';

/**
 * A stored WhatsApp message as the channel-blind bot reads it: text as text; a tapped button or
 * list row as the value of the suggested action that was offered (as imBack would send it); a
 * shared location as a GeoCoordinates entity. The user is known only by their hashed id.
 */
export function toActivity(message: InboundMessage & { content: BotContent }, botId: string): Partial<Activity> {
  const activity: Partial<Activity> = {
    type: ActivityTypes.Message,
    id: message.wamid,
    channelId: CHANNEL_ID,
    serviceUrl: CHANNEL_ID,
    timestamp: new Date(message.sentAt),
    from: { id: message.userId, name: '', role: 'user' },
    recipient: { id: botId, name: '', role: 'bot' },
    conversation: { id: message.userId, name: '', isGroup: false, conversationType: 'personal' },
  };
  const { content } = message;
  switch (content.kind) {
    case 'text':
      activity.text = content.text;
      break;
    case 'choice':
      activity.text = content.value;
      break;
    case 'location':
      activity.entities = [{ type: 'GeoCoordinates', latitude: content.latitude, longitude: content.longitude, name: content.name }];
      break;
  }
  return activity;
}
