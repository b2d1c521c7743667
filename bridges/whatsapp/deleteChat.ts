/**
 * "How do I delete this chat?": a child on a shared phone may need to hide the conversation.
 * WhatsApp's steps are the bridge's to give (the bot knows no channel). Only a whole message
 * matches, so "delete chat, he reads my phone and hits me" still reaches the bot's safety check.
 */
const PHRASES = new Set([
  'delete chat',
  'delete this chat',
  'delete the chat',
  'how to delete chat',
  'how to delete this chat',
  'how do i delete this chat',
  'how do i delete the chat',
  'clear chat',
  'chat delete',
  'chat delete kaise kare',
  'chat kaise delete kare',
  'চেট মচা',
  'চেট কেনেকৈ মচিম',
  'চেটটো কেনেকৈ মচিম',
  'chat mosa',
  'चैट डिलीट',
  'चैट डिलीट कैसे करें',
  'चैट कैसे डिलीट करें',
  'चैट मिटाओ',
]);

export function asksToDeleteChat(text: string): boolean {
  const phrase = text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s.!?।,;:'"]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();
  return PHRASES.has(phrase);
}
