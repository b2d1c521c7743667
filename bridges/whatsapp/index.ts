export { registerWhatsApp, type WhatsAppBridge, type WhatsAppDeps } from './routes';
export { WhatsAppAdapter } from './adapter';
