import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Request, Response } from 'restify';
import { z } from 'zod';
import { BadRequest, readJsonObject } from './body';

/**
 * The least an activity needs before the CloudAdapter sees it. Anything else a channel sends is
 * passed through untouched; what fails here is the sender's fault and gets a 400 with the field.
 */
const activityShape = z
  .object({
    type: z.string().min(1).max(64),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.string().max(2048).optional(),
    deliveryMode: z.string().max(32).optional(),
    text: z.string().max(20000).optional(),
    locale: z.string().max(32).optional(),
    conversation: z.object({ id: z.string().min(1).max(512) }).passthrough(),
    from: z.object({ id: z.string().min(1).max(512) }).passthrough(),
    recipient: z.object({ id: z.string().max(512) }).passthrough().optional(),
  })
  .passthrough();

export function parseActivity(body: Record<string, unknown>): Record<string, unknown> {
  const result = activityShape.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BadRequest(400, `invalid activity: ${issue.path.join('.') || 'body'} ${issue.message.toLowerCase()}`);
  }
  const activity = result.data;
  if (activity.deliveryMode !== 'expectReplies' && !activity.serviceUrl) {
    throw new BadRequest(400, 'invalid activity: serviceUrl is required unless deliveryMode is expectReplies');
  }
  return activity;
}

/** POST /api/messages: the Bot Framework protocol through botbuilder's CloudAdapter. */
export function messagesHandler(adapter: CloudAdapter, logic: (context: TurnContext) => Promise<void>) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = parseActivity(await readJsonObject(req));
    (req as Request & { body: unknown }).body = body;
    await adapter.process(req, res, logic);
  };
}
