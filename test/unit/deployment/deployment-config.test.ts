import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const BOT_ENV = [
  'PORT',
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'LOCAL_MODE',
  'MONGODB_URI',
  'MONGODB_DB',
  'ALLOWED_TENANTS',
  'BOT_ADMINS',
  'SEED_FILE',
  'LOG_LEVEL',
  'PUBLIC_BASE_URL',
  'NODE_ENV',
];

describe('deployment configuration', () => {
  it('when the Bicep template is read, then the web app sets every variable the bot reads', () => {
    const bicep = read('deployment/azure/main.bicep');
    const settings = [...bicep.matchAll(/\{\s*name:\s*'([A-Za-z_]+)'/g)].map((m) => m[1]);
    settings.push(...[...bicep.matchAll(/^\s*name: '([A-Za-z_]+)'\n\s*value:/gm)].map((m) => m[1]));
    for (const name of BOT_ENV)
      expect({ name, set: settings.includes(name) }).toEqual({ name, set: true });
  });

  it('when the Bicep template is read, then secrets go through Key Vault and Teams is enabled', () => {
    const bicep = read('deployment/azure/main.bicep');
    expect(bicep).toMatch(/@secure\(\)\n(@description\([^\n]*\)\n)?param botAppPassword string/);
    expect(bicep).toMatch(/@secure\(\)\n(@description\([^\n]*\)\n)?param mongoDbUri string/);
    expect(bicep).toMatch(/name: 'MONGODB_URI', value: '@Microsoft\.KeyVault\(/);
    expect(bicep).toMatch(
      /'@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=microsoft-app-password\)'/,
    );
    expect(bicep).toMatch(/channelName: 'MsTeamsChannel'/);
    expect(bicep).toMatch(/healthCheckPath: '\/healthz'/);
    expect(bicep).toMatch(/endpoint: '\$\{publicBaseUrl\}\/api\/messages'/);
  });

  it('when compose starts MongoDB, then it is a replica set the bot connects to', () => {
    const compose = read('deployment/docker-compose.yml');
    expect(compose).toMatch(/--replSet', 'rs0'/);
    expect(compose).toMatch(
      /rs\.initiate\(\{ _id: 'rs0', members: \[\{ _id: 0, host: 'mongo:27017' \}\] \}\)/,
    );
    expect(compose).toMatch(/MONGODB_URI: mongodb:\/\/mongo:27017\/\?replicaSet=rs0/);
    expect(compose).toMatch(/condition: service_healthy/);
    expect(compose).toMatch(/dockerfile: deployment\/Dockerfile/);
  });

  it('when the guide is read, then it names every variable and every Graph permission with its reason', () => {
    const guide = read('deployment/README.md');
    for (const name of BOT_ENV)
      expect({ name, documented: guide.includes(`\`${name}\``) }).toEqual({
        name,
        documented: true,
      });
    for (const permission of [
      'User.Read.All',
      'TeamMember.Read.All',
      'ChannelMember.Read.All',
      'ChannelMessage.Read.Group',
    ]) {
      expect({ permission, documented: guide.includes(permission) }).toEqual({
        permission,
        documented: true,
      });
    }
    expect(guide).toMatch(/npm run package:teams/);
    expect(guide).toMatch(/no Docker daemon|Docker daemon/i);
  });
});
