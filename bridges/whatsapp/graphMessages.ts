/**
 * The message bodies of the Graph API's `POST /{phone-number-id}/messages`, as documented for the
 * WhatsApp Cloud API (without `messaging_product` and `to`, which the client adds).
 */
export interface ReplyButton {
  type: 'reply';
  reply: { id: string; title: string };
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

export type Interactive =
  | { type: 'button'; body: { text: string }; action: { buttons: ReplyButton[] } }
  | { type: 'list'; body: { text: string }; action: { button: string; sections: { rows: ListRow[] }[] } }
  | { type: 'location_request_message'; body: { text: string }; action: { name: 'send_location' } };

export interface TemplateMessage {
  type: 'template';
  template: { name: string; language: { code: string } };
}

export type GraphMessage =
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | { type: 'interactive'; interactive: Interactive }
  | TemplateMessage;

/** WhatsApp's documented limits (characters), in one place for the renderer and its tests. */
export const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  listButton: 20,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  replyId: 200,
} as const;
