import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector';
import { reuseConnectorClients } from '../../services/http/connectorClients';

const claimsFor = (appId: string) => new ClaimsIdentity([{ type: 'aud', value: appId }, { type: 'appid', value: appId }], true);

describe('reuseConnectorClients', () => {
  const auth = reuseConnectorClients(new ConfigurationBotFrameworkAuthentication({}));

  it('gives one ConnectorClient per bot app and service URL, across turns', async () => {
    const first = await auth.createConnectorFactory(claimsFor('app-a')).create('https://smba.example/in/');
    const again = await auth.createConnectorFactory(claimsFor('app-a')).create('https://smba.example/in/');
    const otherUrl = await auth.createConnectorFactory(claimsFor('app-a')).create('https://smba.example/us/');
    const otherApp = await auth.createConnectorFactory(claimsFor('app-b')).create('https://smba.example/in/');
    expect(again).toBe(first);
    expect(otherUrl).not.toBe(first);
    expect(otherApp).not.toBe(first);
  });

  it('gives one UserTokenClient per bot app, across turns', async () => {
    const first = await auth.createUserTokenClient(claimsFor('app-a'));
    expect(await auth.createUserTokenClient(claimsFor('app-a'))).toBe(first);
    expect(await auth.createUserTokenClient(claimsFor('app-b'))).not.toBe(first);
  });
});
