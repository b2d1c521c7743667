import type { BotFrameworkAuthentication, ClaimsIdentity, ConnectorClient, ConnectorFactory } from 'botframework-connector';

/** Channel endpoints a service talks to are few; the bound only guards against made-up serviceUrls. */
const MAX_CLIENTS = 256;

/** The claims that say which bot app the client's credentials are for (v1 and v2 tokens). */
const APP_CLAIMS = new Set(['aud', 'appid', 'azp']);

/**
 * botbuilder's CloudAdapter builds a new ConnectorClient (credentials, HTTP pipeline and all) for
 * every inbound activity, even one answered in the response (expectReplies). A client holds no
 * per-turn state, so one per bot app id, audience and service URL is kept and reused (tokens stay
 * cached in its credentials too). Changes `auth` in place and returns it.
 */
export function reuseConnectorClients<A extends BotFrameworkAuthentication>(auth: A): A {
  const clients = new Map<string, Promise<ConnectorClient>>();
  const reusing = (factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory => {
    const appId = claimsIdentity.claims
      .filter((claim) => APP_CLAIMS.has(claim.type))
      .map((claim) => `${claim.type}=${claim.value}`)
      .join('&');
    return {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const key = `${appId}\n${audience ?? ''}\n${serviceUrl}`;
        let client = clients.get(key);
        if (!client) {
          if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
          client = factory.create(serviceUrl, audience);
          clients.set(key, client);
          client.catch(() => clients.delete(key));
        }
        return client;
      },
    };
  };
  const authenticateRequest = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const result = await authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: reusing(result.connectorFactory, result.claimsIdentity) } : result;
  };
  const createConnectorFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claimsIdentity) => reusing(createConnectorFactory(claimsIdentity), claimsIdentity);
  return auth;
}
