export { registerIvr, IVR_PATHS, type IvrDeps } from './register';
export { QueueCallbackDesk } from './callbackDesk';
export type { CallbackDesk, CallbackRequest } from './callbacks';
export { IvrAdapter } from './IvrAdapter';
