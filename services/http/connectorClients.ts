import type { BotFrameworkAuthentication, ClaimsIdentity, ConnectorClient, ConnectorFactory, UserTokenClient } from 'botframework-connector';

/** Channel endpoints a service talks to are few; the bound only guards against made-up serviceUrls. */
const MAX_CLIENTS = 256;

/** The claims that say which bot app the client's credentials are for (v1 and v2 tokens). */
const APP_CLAIMS = new Set(['aud', 'appid', 'azp']);

/** The app id claims of a caller, as one cache key. */
function appIdKey(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.claims
    .filter((claim) => APP_CLAIMS.has(claim.type))
    .map((claim) => `${claim.type}=${claim.value}`)
    .join('&');
}

/** A bounded cache of clients being made: a failed one is forgotten, so the next turn tries again. */
function clientCache<T>(): (key: string, make: () => Promise<T>) => Promise<T> {
  const clients = new Map<string, Promise<T>>();
  return (key, make) => {
    let client = clients.get(key);
    if (!client) {
      if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
      client = make();
      clients.set(key, client);
      client.catch(() => clients.delete(key));
    }
    return client;
  };
}

/**
 * botbuilder's CloudAdapter builds a new ConnectorClient and a new UserTokenClient (credentials,
 * HTTP pipeline and all) for every inbound activity, even one answered in the response
 * (expectReplies). Neither holds per-turn state, so one per bot app id (and audience and service
 * URL) is kept and reused; tokens stay cached in their credentials too. Changes `auth` in place
 * and returns it.
 */
export function reuseConnectorClients<A extends BotFrameworkAuthentication>(auth: A): A {
  const connectorClients = clientCache<ConnectorClient>();
  const reusing = (factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory => {
    const appId = appIdKey(claimsIdentity);
    return {
      create: (serviceUrl: string, audience?: string) => connectorClients(`${appId}\n${audience ?? ''}\n${serviceUrl}`, () => factory.create(serviceUrl, audience)),
    };
  };
  const authenticateRequest = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const result = await authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: reusing(result.connectorFactory, result.claimsIdentity) } : result;
  };
  const createConnectorFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claimsIdentity) => reusing(createConnectorFactory(claimsIdentity), claimsIdentity);
  const userTokenClients = clientCache<UserTokenClient>();
  const createUserTokenClient = auth.createUserTokenClient.bind(auth);
  auth.createUserTokenClient = (claimsIdentity) => userTokenClients(appIdKey(claimsIdentity), () => createUserTokenClient(claimsIdentity));
  return auth;
}
